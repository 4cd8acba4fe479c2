import type { ErrorObject, ValidateFunction } from 'ajv';
import { pointerToPath, type JsonPath } from './paths.js';
import type { SemanticProblem } from './validate-semantics.js';
import generatedValidator from './stack-validator.generated.js';
import { closest, suggestion } from './suggest.js';

/**
 * Ajv's standalone code for STACK_SCHEMA (see schema-compile.ts): compiling the schema at run time would
 * cost every command ~80 ms. A test keeps the generated file in sync with the schema.
 */
const validator = (): ValidateFunction => generatedValidator as unknown as ValidateFunction;

const NAME_RULES: Record<string, string> = {
  queues: 'queue names have 1–80 letters, digits, - and _ (a FIFO queue’s name ends in .fifo)',
  tables: 'table names have 3–255 letters, digits, _, - and .',
  functions: 'function names have 1–64 letters, digits, - and _',
  buses: 'bus names have 1–256 letters, digits, /, ., - and _',
  rules: 'rule names have 1–64 letters, digits, ., - and _',
  environment: 'variable names start with a letter and contain letters, digits and _',
};

export interface StructuralProblem extends SemanticProblem {
  /** An unknown key that looks like a misspelling of `suggested`. */
  typo?: { object: JsonPath; suggested: string };
}

/** Structural problems (unknown keys, wrong types, out-of-range values), one per offending location. */
export function structuralProblems(data: unknown): StructuralProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const problems: StructuralProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error, data);
    if (problem) problems.push(problem);
  }
  return problems;
}

function toProblem(error: ErrorObject, data: unknown): StructuralProblem | undefined {
  const base = pointerToPath(error.instancePath, data);
  // "exactly one of function/queue/logGroup/bus" is checked with a clearer message in validate-semantics.ts.
  if (error.keyword === 'oneOf' || error.schemaPath.includes('/oneOf/')) return undefined;
  if (error.keyword === 'propertyNames') return undefined;
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    const kind = String(base[base.length - 1] ?? '');
    return {
      path: [...base, propertyName],
      message: `"${propertyName}" is not a valid name here`,
      hint: NAME_RULES[kind] ?? `it must match ${String(error.params.pattern)}`,
    };
  }
  const path = base;
  const parent = error.parentSchema as { description?: string; properties?: Record<string, { description?: string }> } | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const near = closest(key, known);
      return {
        path: [...base, key],
        message: `unknown key "${key}"`,
        hint: near ? `did you mean "${near}"?` : known.length ? `known keys here: ${known.join(', ')}` : 'remove it: this object takes no keys',
        ...(near ? { typo: { object: base, suggested: near } } : {}),
      };
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      const description = parent?.properties?.[key]?.description;
      return {
        path: [...base, key],
        message: `"${key}" is required`,
        hint: description ? `add "${key}": ${description}` : `add "${key}"`,
        absent: { object: base, keys: [key] },
      };
    }
    case 'type':
      return { path, message: `must be ${article(String(error.params.type))}, not ${describe(error.data)}`, hint: typeHint(String(error.params.type), error.data) };
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      return {
        path,
        message: `${JSON.stringify(error.data)} is not allowed here`,
        hint: typeof error.data === 'string' ? suggestion(error.data, allowed) : `one of: ${allowed.join(', ')}`,
      };
    }
    case 'minimum':
    case 'maximum':
      return {
        path,
        message: `${String(error.data)} is ${error.keyword === 'minimum' ? 'below the minimum' : 'above the maximum'} ${String(error.params.limit)}`,
        hint: rangeHint(error),
      };
    case 'minLength':
      return { path, message: 'must not be empty', hint: (error.parentSchema as { description?: string })?.description };
    case 'maxLength':
      return { path, message: `is longer than ${String(error.params.limit)} characters`, hint: 'shorten it' };
    case 'maxItems':
      return { path, message: `has more than ${String(error.params.limit)} entries`, hint: 'EventBridge allows at most 5 targets per rule; add another rule with the same pattern' };
    case 'pattern':
      return { path, message: `${JSON.stringify(error.data)} has the wrong format`, hint: patternHint(base, parent) };
    default:
      return { path, message: error.message ?? 'is not valid', hint: undefined };
  }
}

function rangeHint(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { minimum?: number; maximum?: number; description?: string };
  const range = `allowed: ${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}`;
  return schema.description ? `${range} (${schema.description})` : range;
}

function patternHint(path: JsonPath, parent: { description?: string } | undefined): string {
  const key = path[path.length - 1];
  if (key === 'region') return 'a region such as us-east-1';
  if (key === 'role') return 'an IAM role ARN such as arn:aws:iam::000000000000:role/lambda-role';
  if (key === 'id') return 'target ids have 1–64 letters, digits, ., - and _';
  return parent?.description ?? 'see `evlab schema`';
}

function article(type: string): string {
  if (type === 'object') return 'an object';
  if (type === 'array') return 'an array';
  if (type === 'integer') return 'a whole number';
  return `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isInteger(value)) return `the fraction ${value}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function typeHint(expected: string, value: unknown): string | undefined {
  if ((expected === 'integer' || expected === 'number') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return `remove the quotes: ${value}`;
  }
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return `quote it: "${String(value)}"`;
  if (expected === 'boolean' && (value === 'true' || value === 'false')) return `remove the quotes: ${value}`;
  if (expected === 'array' && value !== null && typeof value === 'object') return 'wrap it in [ ]';
  if (expected === 'object' && Array.isArray(value)) return 'use { } with named entries';
  return undefined;
}
