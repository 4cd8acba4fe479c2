import type { CommandContext } from '../context.js';
import { OperationError } from '../errors.js';

// Placeholder until `evlab setup` lands.
export async function runSetup(_options: unknown, _ctx: CommandContext): Promise<number> {
  throw new OperationError('NotImplemented', '`evlab setup` is not available in this build');
}
