/**
 * The error EventBridge raises for a bad event pattern. The `name` is the AWS error code, so the
 * embedded endpoint can put it straight into the `__type` of its response.
 */
export class InvalidPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventPatternException';
  }
}

/** AWS wraps every compiler complaint in this sentence; clients and tests grep for the reason after it. */
export const INVALID_PATTERN_PREFIX = 'Event pattern is not valid. Reason: ';

/** Longest piece of the pattern quoted back in an error, like Jackson's source excerpt. */
const MAX_SOURCE_EXCERPT = 500;

/**
 * Builds the message AWS gives: the reason, then (like the Jackson parser behind EventBridge) where in the
 * pattern text the compiler stopped.
 */
export function patternError(reason: string, source?: string, offset?: number): InvalidPatternError {
  if (source === undefined || offset === undefined) {
    return new InvalidPatternError(INVALID_PATTERN_PREFIX + reason);
  }
  const { line, column } = lineAndColumn(source, offset);
  const excerpt =
    source.length > MAX_SOURCE_EXCERPT
      ? `${source.slice(0, MAX_SOURCE_EXCERPT)}"[truncated ${source.length - MAX_SOURCE_EXCERPT} chars]`
      : `${source}"`;
  return new InvalidPatternError(
    `${INVALID_PATTERN_PREFIX}${reason}\n at [Source: (String)"${excerpt}; line: ${line}, column: ${column}]`,
  );
}

function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
