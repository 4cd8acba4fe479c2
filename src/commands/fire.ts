import type { CommandContext } from '../context.js';
import { OperationError } from '../errors.js';

// Placeholder until `evlab fire` lands.
export async function runFire(_options: unknown, _ctx: CommandContext): Promise<number> {
  throw new OperationError('NotImplemented', '`evlab fire` is not available in this build');
}
