import type { CommandContext } from '../context.js';
import { OperationError } from '../errors.js';

// Placeholder until `evlab tail` lands.
export async function runTail(_options: unknown, _ctx: CommandContext): Promise<number> {
  throw new OperationError('NotImplemented', '`evlab tail` is not available in this build');
}
