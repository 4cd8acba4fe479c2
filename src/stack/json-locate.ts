import { JsonSyntaxError, scanJson, type TextPosition } from '../json/scan-json.js';
import { formatPath } from './paths.js';

export { JsonSyntaxError, type TextPosition };

export interface JsonLayout {
  /** Where each value starts (for object members: where its key starts), by formatted path. */
  positions: Map<string, TextPosition>;
  /** Keys that appear twice in one object: JSON.parse silently keeps the last one. */
  duplicates: { path: string; position: TextPosition }[];
}

/**
 * Parses the stack file: its value, the line and column of a syntax error, the position of every key for
 * error messages, and repeated keys. Comments (`//`, `/* *\/`) are allowed: evlab.json is a file people edit.
 */
export function parseJsonWithLayout(text: string): { value: unknown; layout: JsonLayout } {
  const positions = new Map<string, TextPosition>();
  const duplicates: JsonLayout['duplicates'] = [];
  // Positions are computed once the scan is done, when the line index exists.
  const offsets: [string, number, boolean][] = [];
  const { value, positionOf } = scanJson(text, {
    comments: true,
    subject: 'file',
    emptyHint: 'a stack file is a JSON object: {}',
    onProperty: (path, keyOffset, duplicate) => offsets.push([formatPath(path), keyOffset, duplicate]),
    onElement: (path, offset) => offsets.push([formatPath(path), offset, false]),
  });
  for (const [path, offset, duplicate] of offsets) {
    const position = positionOf(offset);
    if (duplicate) duplicates.push({ path, position });
    positions.set(path, position);
  }
  return { value, layout: { positions, duplicates } };
}
