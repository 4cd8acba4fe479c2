import { JsonSyntaxError, scanJson as scanJsonText, type TextPosition } from '../json/scan-json.js';

/**
 * Event files and payloads are plain JSON (no comments). Besides the value, an event file's reader needs the
 * line where each entry starts (so problems can say `events.json:entry 3 (line 14)`).
 */

export { JsonSyntaxError, type TextPosition };

export interface ScannedJson {
  value: unknown;
  /** Start offsets of the elements of the top-level array, or of the top-level object's `Entries` array. */
  entryOffsets: number[];
  /** Offset → 1-based line and column. */
  positionOf(offset: number): TextPosition;
}

/** Parses one JSON document; throws JsonSyntaxError with the position of the first syntax error. */
export function scanJson(text: string): ScannedJson {
  const entryOffsets: number[] = [];
  const { value, positionOf } = scanJsonText(text, {
    subject: 'text',
    afterEndHint: 'one JSON value per file, or one per line in NDJSON (.ndjson)',
    onElement: (path, offset) => {
      if (path.length === 1 || (path.length === 2 && path[0] === 'Entries')) entryOffsets.push(offset);
    },
  });
  return { value, entryOffsets, positionOf };
}

/** The position of a syntax error in a JSON string (for Detail strings and --payload), or undefined when it parses. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scanJsonText(text);
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
}
