/**
 * Numeric matching limits. EventBridge only compares numbers in [-5e9, 5e9] (its comparable-number encoding is
 * fixed width); a pattern bound outside that range is rejected, an event value outside it simply never
 * satisfies a `numeric` condition.
 */
export const NUMERIC_LIMIT = 5e9;

/** The exact text AWS uses (Java prints 5e9 as 5.0E9). */
export const NUMERIC_LIMIT_MESSAGE = 'Value must be between -5.0E9 and 5.0E9, inclusive';

export function isComparableNumber(value: number): boolean {
  return value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT;
}

export interface NumericRange {
  low: number;
  lowOpen: boolean;
  high: number;
  highOpen: boolean;
}

export function inRange(value: number, range: NumericRange): boolean {
  if (!isComparableNumber(value)) return false;
  if (range.lowOpen ? value <= range.low : value < range.low) return false;
  if (range.highOpen ? value >= range.high : value > range.high) return false;
  return true;
}
