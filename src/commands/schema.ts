import type { CommandContext } from '../context.js';
import { STACK_SCHEMA } from '../stack/schema.js';

/**
 * Prints the stack file's JSON Schema. It is the schema itself with or without --json (editors and
 * `> schema.json` want the bare document), so it is written directly rather than wrapped with schemaVersion.
 */
export async function runSchema(ctx: CommandContext): Promise<number> {
  ctx.out.line(JSON.stringify(STACK_SCHEMA, null, 2));
  return 0;
}
