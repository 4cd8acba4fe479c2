import type { CommandContext } from '../context.js';
import { OperationError } from '../errors.js';

// Placeholder until `evlab status` lands.
export async function runStatus(_options: unknown, _ctx: CommandContext): Promise<number> {
  throw new OperationError('NotImplemented', '`evlab status` is not available in this build');
}
