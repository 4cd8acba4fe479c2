import type { CommandContext } from '../context.js';
import { OperationError } from '../errors.js';

// Placeholder until `evlab teardown` lands.
export async function runTeardown(_options: unknown, _ctx: CommandContext): Promise<number> {
  throw new OperationError('NotImplemented', '`evlab teardown` is not available in this build');
}
