/**
 * The Amazon EventBridge event-pattern language: compile a pattern once (validating it with AWS's checks and
 * messages), then match it against many events.
 *
 * Behaviour is pinned to what AWS answered for the conformance corpus in ../shared/conformance; the
 * pattern-*.ts modules next to this one explain the AWS quirks they reproduce.
 */
import { compileBranches } from './pattern-compiler.js';
import { EventMatcher } from './pattern-event.js';

export { InvalidPatternError } from './pattern-error.js';

export interface CompiledPattern {
  /** `event` is the parsed event JSON (an object); anything else never matches. */
  matches(event: unknown): boolean;
}

/**
 * Parses and validates pattern JSON text. Throws InvalidPatternError ("Event pattern is not valid. Reason: ...")
 * for anything AWS would reject.
 *
 * The text is read as a token stream rather than with JSON.parse, because AWS accepts a key repeated in the
 * same object: each occurrence is compiled in turn and the last one wins for that field, so
 * {"a": [{"prefix": "x"}], "a": [{"anything-but": "y"}]} means only the anything-but.
 */
export function compilePattern(patternText: string): CompiledPattern {
  const matcher = new EventMatcher(compileBranches(patternText));
  return { matches: (event) => matcher.matches(event) };
}

/** One-shot check, like the TestEventPattern API. A string event is parsed as JSON first. */
export function testEventPattern(patternText: string, eventJson: unknown): boolean {
  const event = typeof eventJson === 'string' ? (JSON.parse(eventJson) as unknown) : eventJson;
  return compilePattern(patternText).matches(event);
}
