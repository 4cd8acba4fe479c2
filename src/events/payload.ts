import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { JsonSyntaxError, scanJson } from './json-text.js';

/**
 * `--payload JSON` or `--payload @file`: the text to send, checked to be JSON first (with the position of a
 * syntax error), and sent as written so big numbers keep their digits.
 */
export async function readPayloadArgument(argument: string, cwd: string): Promise<{ text: string; source: string }> {
  let text = argument;
  let source = '--payload';
  if (argument.startsWith('@')) {
    source = argument.slice(1);
    try {
      text = await readFile(resolve(cwd, source), 'utf8');
    } catch (err) {
      throw new ConfigError('PayloadFileUnreadable', `cannot read the payload file ${source}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, {
        location: source,
        hint: `the path is relative to ${cwd}`,
      });
    }
  }
  checkPayloadJson(text, source);
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, source };
}

export function checkPayloadJson(text: string, source: string): void {
  try {
    scanJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = err.position;
    const where = `${source}:${line}:${column}`;
    throw new ConfigError('InvalidPayload', `${where}: the payload is not valid JSON: ${err.message}`, {
      location: where,
      hint: err.hint ?? (source === '--payload' ? `quote the JSON for your shell: --payload '{"key": "value"}', or use --payload @event.json` : 'fix the JSON at that position'),
    });
  }
}
