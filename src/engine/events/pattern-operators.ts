import { parseCidr } from './pattern-cidr.js';
import type { JsonTokenStream, Token } from './pattern-json-tokens.js';
import { isComparableNumber, NUMERIC_LIMIT, NUMERIC_LIMIT_MESSAGE } from './pattern-numbers.js';
import * as values from './pattern-values.js';
import type { ValueCondition } from './pattern-values.js';
import { parseWildcard, type WildcardPattern } from './pattern-wildcard.js';

/**
 * Parses one `{ "operator": ... }` entry of a field's pattern list. The checks, their order and the messages
 * follow EventBridge, including its oddities (a cidr that isn't a string is reported as a "prefix" problem,
 * an extra key after anything-but as a "numeric expression" problem).
 */
export type MatchExpression =
  | { kind: 'value'; condition: ValueCondition; wildcard?: WildcardPattern }
  | { kind: 'absent' };

const ONE_KEY_ONLY = 'Only one key allowed in match expression';
const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

export function parseMatchExpression(t: JsonTokenStream): MatchExpression {
  const name = t.next();
  if (name.kind !== 'fieldName') t.fail('Match expression name not found');
  switch (name.text) {
    case 'prefix':
      return value(parseAffix(t, 'prefix'));
    case 'suffix':
      return value(parseAffix(t, 'suffix'));
    case 'equals-ignore-case':
      return value(values.equalsIgnoreCase(expectString(t, 'equals-ignore-case match pattern must be a string')));
    case 'numeric':
      return value(parseNumeric(t));
    case 'anything-but':
      return value(parseAnythingBut(t));
    case 'exists':
      return parseExists(t);
    case 'cidr':
      return value(parseCidrCondition(t));
    case 'wildcard':
      return parseWildcardCondition(t);
    default:
      // Operator names are case-sensitive: "EXISTS" or "Numeric" are unknown operators, not field names.
      return t.fail(`Unrecognized match type ${name.text}`);
  }
}

const value = (condition: ValueCondition): MatchExpression => ({ kind: 'value', condition });

function closeObject(t: JsonTokenStream, message = ONE_KEY_ONLY): void {
  if (t.next().kind !== 'endObject') t.fail(message);
}

function expectString(t: JsonTokenStream, message: string): string {
  const token = t.next();
  if (token.kind !== 'string') t.fail(message);
  closeObject(t);
  return token.text;
}

function parseAffix(t: JsonTokenStream, operator: 'prefix' | 'suffix'): ValueCondition {
  const token = t.next();
  if (token.kind === 'startObject') {
    // {"prefix": {"equals-ignore-case": "..."}} is the only nested form AWS accepts.
    const inner = t.next();
    const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
    if (inner.kind !== 'fieldName') t.fail(`${label} expression name not found`);
    if (inner.text !== 'equals-ignore-case') t.fail(`Unsupported ${operator} pattern: ${inner.text}`);
    const text = t.next();
    if (text.kind !== 'string') t.fail('equals-ignore-case match pattern must be a string');
    closeObject(t);
    closeObject(t);
    return operator === 'prefix' ? values.prefixIgnoreCase(text.text) : values.suffixIgnoreCase(text.text);
  }
  if (token.kind !== 'string') t.fail(`${operator} match pattern must be a string`);
  closeObject(t);
  // An empty prefix or suffix is allowed here and matches every string (only anything-but forbids it).
  return operator === 'prefix' ? values.prefix(token.text) : values.suffix(token.text);
}

function parseExists(t: JsonTokenStream): MatchExpression {
  const token = t.next();
  if (token.kind !== 'true' && token.kind !== 'false') t.fail('exists match pattern must be either true or false.');
  closeObject(t);
  return token.kind === 'true' ? value(values.anyValue) : { kind: 'absent' };
}

function parseCidrCondition(t: JsonTokenStream): ValueCondition {
  const token = t.next();
  if (token.kind !== 'string') t.fail('prefix match pattern must be a string');
  const range = parseCidr(token.text);
  if (typeof range === 'string') t.fail(range);
  closeObject(t);
  return values.cidr(range);
}

function parseWildcardCondition(t: JsonTokenStream): MatchExpression {
  const token = t.next();
  if (token.kind !== 'string') t.fail('wildcard match pattern must be a string');
  const pattern = parseWildcard(token.text);
  if (typeof pattern === 'string') t.fail(pattern);
  closeObject(t);
  return { kind: 'value', condition: values.wildcard(pattern), wildcard: pattern };
}

// ---- numeric ----

function parseNumeric(t: JsonTokenStream): ValueCondition {
  if (t.next().kind !== 'startArray') t.fail('Value of numeric must be an array.');
  const condition = parseNumericTerms(t);
  closeObject(t, TOO_MANY_ELEMENTS);
  return condition;
}

function parseNumericTerms(t: JsonTokenStream): ValueCondition {
  const operator = t.next();
  if (operator.kind !== 'string') t.fail(`Invalid member in numeric match: ${operator.text}`);
  const operand = t.next();
  switch (operator.text) {
    case '=': {
      const n = numberOperand(t, operand, 'equals');
      if (t.next().kind !== 'endArray') t.fail(TOO_MANY_ELEMENTS);
      return numericEquals(t, n);
    }
    case '>':
    case '>=': {
      const low = numberOperand(t, operand, operator.text);
      const lowOpen = operator.text === '>';
      const next = t.next();
      if (next.kind === 'endArray') return numericRange(t, low, lowOpen, NUMERIC_LIMIT, false);
      return parseUpperBound(t, next, low, lowOpen);
    }
    case '<':
    case '<=': {
      // An upper bound must come last: ["<", 10, ">", 0] is rejected, write [">", 0, "<", 10].
      const high = numberOperand(t, operand, operator.text);
      if (t.next().kind !== 'endArray') t.fail(TOO_MANY_ELEMENTS);
      return numericRange(t, -NUMERIC_LIMIT, false, high, operator.text === '<');
    }
    default:
      return t.fail(`Unrecognized numeric range operator: ${operator.text}`);
  }
}

function parseUpperBound(t: JsonTokenStream, operator: Token, low: number, lowOpen: boolean): ValueCondition {
  if (operator.kind !== 'string') t.fail(`Bad value in numeric range: ${operator.text}`);
  if (operator.text !== '<' && operator.text !== '<=') t.fail(`Bad numeric range operator: ${operator.text}`);
  const high = numberOperand(t, t.next(), operator.text);
  if (t.next().kind !== 'endArray') t.fail('Too many terms in numeric range expression');
  return numericRange(t, low, lowOpen, high, operator.text === '<');
}

function numberOperand(t: JsonTokenStream, token: Token, operatorName: string): number {
  if (token.kind !== 'number') t.fail(`Value of ${operatorName} must be numeric`);
  return Number(token.text);
}

function numericEquals(t: JsonTokenStream, n: number): ValueCondition {
  if (!isComparableNumber(n)) t.fail(NUMERIC_LIMIT_MESSAGE);
  return values.numeric({ low: n, lowOpen: false, high: n, highOpen: false });
}

function numericRange(t: JsonTokenStream, low: number, lowOpen: boolean, high: number, highOpen: boolean) {
  // A one-sided range is stored with its open end at the limit, hence [">", 5e9] fails as an empty range.
  if (low >= high) t.fail('Bottom must be less than top');
  if (!isComparableNumber(low) || !isComparableNumber(high)) t.fail(NUMERIC_LIMIT_MESSAGE);
  return values.numeric({ low, lowOpen, high, highOpen });
}

// ---- anything-but ----

type AnythingButKind = 'values' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard';

function parseAnythingBut(t: JsonTokenStream): ValueCondition {
  let kind: AnythingButKind = 'values';
  let token = t.next();
  if (token.kind === 'startObject') {
    const inner = t.next();
    if (inner.kind !== 'fieldName') t.fail('Anything-But expression name not found');
    if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(inner.text)) {
      t.fail(`Unsupported anything-but pattern: ${inner.text}`);
    }
    kind = inner.text as AnythingButKind;
    token = t.next();
  }
  if (token.kind !== 'startArray' && token.kind !== 'string' && token.kind !== 'number') {
    t.fail('Value of anything-but must be an array or single string/number value.');
  }
  let condition: ValueCondition;
  if (kind === 'values') {
    condition = token.kind === 'startArray' ? anythingButValueList(t) : anythingButSingleValue(t, token);
  } else {
    const operands = token.kind === 'startArray' ? readOperandList(t, kind) : [operandText(t, kind, token)];
    condition = anythingButOperator(t, kind, operands);
  }
  // AWS reports any extra key here with its numeric-expression message.
  closeObject(t, TOO_MANY_ELEMENTS);
  if (kind !== 'values') closeObject(t, TOO_MANY_ELEMENTS);
  return condition;
}

function anythingButSingleValue(t: JsonTokenStream, token: Token): ValueCondition {
  if (token.kind === 'string') return values.anythingButStrings([token.text]);
  const n = Number(token.text);
  if (!isComparableNumber(n)) t.fail(NUMERIC_LIMIT_MESSAGE);
  return values.anythingButNumbers([n]);
}

function anythingButValueList(t: JsonTokenStream): ValueCondition {
  const strings: string[] = [];
  const numbers: number[] = [];
  for (let token = t.next(); token.kind !== 'endArray'; token = t.next()) {
    if (token.kind === 'string') strings.push(token.text);
    else if (token.kind === 'number') {
      const n = Number(token.text);
      if (!isComparableNumber(n)) t.fail(NUMERIC_LIMIT_MESSAGE);
      numbers.push(n);
    } else t.fail('Inside anything but list, start|null|boolean is not supported.');
  }
  // The list must be all strings or all numbers; an empty list is rejected by the same check.
  if ((strings.length > 0) === (numbers.length > 0)) {
    t.fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return strings.length > 0 ? values.anythingButStrings(strings) : values.anythingButNumbers(numbers);
}

function readOperandList(t: JsonTokenStream, kind: AnythingButKind): string[] {
  const operands: string[] = [];
  for (let token = t.next(); token.kind !== 'endArray'; token = t.next()) operands.push(operandText(t, kind, token));
  return operands;
}

function operandText(t: JsonTokenStream, kind: AnythingButKind, token: Token): string {
  if (token.kind !== 'string') {
    if (kind === 'equals-ignore-case') {
      t.fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
    }
    if (kind === 'wildcard') t.fail('wildcard match pattern must be a string');
    t.fail('prefix/suffix match pattern must be a string');
  }
  // Unlike a plain prefix/suffix, an empty one would exclude everything, so AWS refuses it.
  if ((kind === 'prefix' || kind === 'suffix') && token.text === '') t.fail('Null prefix/suffix not allowed');
  return token.text;
}

function anythingButOperator(t: JsonTokenStream, kind: AnythingButKind, operands: string[]): ValueCondition {
  switch (kind) {
    case 'equals-ignore-case':
      return values.anythingButIgnoreCase(operands);
    case 'prefix':
      return values.anythingButPrefix(operands);
    case 'suffix':
      return values.anythingButSuffix(operands);
    default: {
      const patterns: WildcardPattern[] = [];
      for (const text of operands) {
        const pattern = parseWildcard(text);
        if (typeof pattern === 'string') t.fail(pattern);
        patterns.push(pattern);
      }
      return values.anythingButWildcard(patterns);
    }
  }
}
