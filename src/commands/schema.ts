import type { CommandContext } from '../context.js';
import { OperationError } from '../errors.js';

// Placeholder until the stack schema lands.
export async function runSchema(_ctx: CommandContext): Promise<number> {
  throw new OperationError('NotImplemented', '`evlab schema` is not available in this build');
}
