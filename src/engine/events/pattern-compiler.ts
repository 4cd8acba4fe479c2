import { parseIp } from './pattern-cidr.js';
import { patternError } from './pattern-error.js';
import { JsonTokenStream } from './pattern-json-tokens.js';
import { parseMatchExpression } from './pattern-operators.js';
import * as values from './pattern-values.js';
import type { ValueCondition } from './pattern-values.js';
import {
  MAX_WILDCARD_COMPLEXITY,
  WILDCARD_TOO_COMPLEX,
  wildcardComplexity,
  type WildcardPattern,
} from './pattern-wildcard.js';

/** Everything a pattern says about one field (a dot-joined path such as `detail.state`). */
export interface FieldRule {
  /** The field matches if any leaf value satisfies any of these. */
  conditions: ValueCondition[];
  /** `{"exists": false}` was listed: the field may also match by being absent. */
  allowsAbsence: boolean;
  wildcards: WildcardPattern[];
}

/**
 * One way for the event to match: every field in the map must match. `$or` produces several branches, and
 * the pattern matches if any branch does (this is how AWS itself expands `$or`).
 */
export type Branch = Map<string, FieldRule>;

const OR = '$or';

/** Inside `$or`, operator names cannot be used as field names; AWS reserves these (some for future use). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  'html', '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after',
  'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range',
  'ip-address-not-in-range',
]);

export function compileBranches(source: string): Branch[] {
  // An empty document has no first token, which AWS words as "not an object".
  if (source.trim() === '') throw patternError('Filter is not an object', source, 0);
  const t = new JsonTokenStream(source);
  if (t.next().kind !== 'startObject') t.fail('Filter is not an object');
  const branches: Branch[] = [];
  parseObject(t, branches, [], false);
  t.expectEnd();
  rejectComplexWildcards(branches);
  return branches;
}

/**
 * Fields are compiled in document order. Nested keys are joined with "." (so {"a": {"b": ...}} and
 * {"a.b": ...} name the same field), and a field compiled again replaces the earlier one in every branch:
 * with a repeated key, the last occurrence wins.
 */
function parseObject(t: JsonTokenStream, branches: Branch[], path: string[], insideOr: boolean): void {
  let hasFields = false;
  for (let token = t.next(); token.kind !== 'endObject'; token = t.next()) {
    hasFields = true;
    const name = token.text;
    if (name === OR) {
      parseOr(t, branches, path);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(name)) {
      t.fail(`${name} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    }
    const next = t.next();
    if (next.kind === 'startObject') {
      path.push(name);
      parseObject(t, branches, path, insideOr);
      path.pop();
    } else if (next.kind === 'startArray') {
      const rule = parseFieldRule(t);
      if (branches.length === 0) branches.push(new Map());
      const fieldPath = [...path, name].join('.');
      for (const branch of branches) branch.set(fieldPath, rule);
    } else {
      t.fail(`"${name}" must be an object or an array`);
    }
  }
  if (!hasFields) t.fail('Empty objects are not allowed');
}

/**
 * `"$or": [A, B, ...]` multiplies the branches built so far by the alternatives; fields that follow the
 * `$or` in the same object are then added to every resulting branch.
 */
function parseOr(t: JsonTokenStream, branches: Branch[], path: string[]): void {
  const before = branches.map((b) => new Map(b));
  branches.length = 0;
  if (t.next().kind !== 'startArray') t.fail(`It must be an Array followed with ${OR}.`);
  let alternatives = 0;
  for (let token = t.next(); token.kind !== 'endArray'; token = t.next()) {
    alternatives++;
    if (token.kind !== 'startObject') t.fail(`Only JSON object is allowed in array of ${OR} relationship.`);
    const forked = before.length > 0 ? before.map((b) => new Map(b)) : [new Map<string, FieldRule>()];
    parseObject(t, forked, path, true);
    branches.push(...forked);
  }
  if (alternatives < 2) t.fail(`There must have at least 2 Objects in ${OR} relationship.`);
}

function parseFieldRule(t: JsonTokenStream): FieldRule {
  const rule: FieldRule = { conditions: [], allowsAbsence: false, wildcards: [] };
  let entries = 0;
  for (let token = t.next(); token.kind !== 'endArray'; token = t.next()) {
    entries++;
    switch (token.kind) {
      case 'startObject': {
        const expression = parseMatchExpression(t);
        if (expression.kind === 'absent') {
          rule.allowsAbsence = true;
        } else {
          rule.conditions.push(expression.condition);
          if (expression.wildcard) rule.wildcards.push(expression.wildcard);
        }
        break;
      }
      case 'string':
        rule.conditions.push(exactStringCondition(token.text));
        break;
      case 'number':
        rule.conditions.push(values.exactNumber(Number(token.text)));
        break;
      case 'true':
      case 'false':
      case 'null':
        rule.conditions.push(values.exactLiteral(token.kind === 'null' ? null : token.kind === 'true'));
        break;
      default:
        t.fail('Match value must be String, number, true, false, or null');
    }
  }
  // A value list is an OR of its entries; an empty OR would match nothing, which AWS treats as a mistake.
  if (entries === 0) t.fail('Empty arrays are not allowed');
  return rule;
}

function exactStringCondition(text: string): ValueCondition {
  const ip = parseIp(text);
  return ip.ok ? values.exactIp(ip.hex) : values.exactString(text);
}

/** AWS checks wildcard complexity after the pattern compiled, so any other error is reported first. */
function rejectComplexWildcards(branches: Branch[]): void {
  const checked = new Set<WildcardPattern>();
  for (const branch of branches) {
    for (const rule of branch.values()) {
      for (const wildcard of rule.wildcards) {
        if (checked.has(wildcard)) continue;
        checked.add(wildcard);
        if (wildcardComplexity(wildcard) > MAX_WILDCARD_COMPLEXITY) throw patternError(WILDCARD_TOO_COMPLEX);
      }
    }
  }
}
