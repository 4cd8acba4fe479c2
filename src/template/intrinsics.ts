import { suggestion } from '../stack/suggest.js';
import type { TemplatePath } from './source.js';

/** What `Ref: AWS::NoValue` resolves to: the property (or list item) holding it is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A template error at a path: the loader turns it into file:line with the logical ID. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly path: TemplatePath,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** How names resolve: pseudo parameters and parameters here, resources through `ref`/`getAtt`. */
export interface ResolveScope {
  pseudo: Record<string, string>;
  parameters: Record<string, string | string[]>;
  mappings: Record<string, Record<string, Record<string, unknown>>>;
  condition(name: string, path: TemplatePath): boolean;
  /** Ref of a resource; undefined when there is no such resource. */
  ref(logicalId: string, path: TemplatePath): string | undefined;
  getAtt(logicalId: string, attribute: string, path: TemplatePath): string | undefined;
  /** Names a template may Ref, for "did you mean" hints. */
  known(): string[];
}

const INTRINSIC_KEYS = new Set([
  'Ref', 'Condition', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::If', 'Fn::Select', 'Fn::Split', 'Fn::GetAZs', 'Fn::ImportValue',
  'Fn::FindInMap', 'Fn::Base64', 'Fn::Cidr', 'Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Fn::Transform', 'Fn::ToJsonString', 'Fn::Length',
]);

/** The intrinsic function name of a `{ "Fn::X": … }` object, if it is one. */
export function intrinsicKey(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  // `Condition` is an intrinsic only inside Conditions and Fn::If/And/Or/Not; a resource's `Condition` key is a plain string.
  return keys.length === 1 && INTRINSIC_KEYS.has(keys[0]!) ? keys[0] : undefined;
}

/** Resolves every intrinsic in `value` (found at `path`) to plain JSON; NO_VALUE members are dropped. */
export function resolveValue(value: unknown, path: TemplatePath, scope: ResolveScope): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveValue(item, [...path, i], scope)).filter((item) => item !== NO_VALUE);
  }
  if (!value || typeof value !== 'object') return value;
  const fn = intrinsicKey(value);
  if (fn && fn !== 'Condition') return resolveIntrinsic(fn, (value as Record<string, unknown>)[fn], [...path, fn], scope);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const resolved = resolveValue(v, [...path, k], scope);
    if (resolved !== NO_VALUE) out[k] = resolved;
  }
  return out;
}

/** Resolves a value that must be a string (a name, an ARN, a Sub template). */
export function resolveString(value: unknown, path: TemplatePath, scope: ResolveScope, what = 'a string'): string {
  const resolved = resolveValue(value, path, scope);
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
  throw new TemplateError(`expected ${what}, found ${describe(resolved)}`, path);
}

function describe(value: unknown): string {
  if (value === NO_VALUE) return 'AWS::NoValue';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function list(value: unknown, length: number | undefined, fn: string, path: TemplatePath, form: string): unknown[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new TemplateError(`${fn} takes ${form}, found ${describe(value)}${Array.isArray(value) ? ` of ${value.length}` : ''}`, path);
  }
  return value;
}

function resolveIntrinsic(fn: string, arg: unknown, path: TemplatePath, scope: ResolveScope): unknown {
  switch (fn) {
    case 'Ref': {
      if (typeof arg !== 'string') throw new TemplateError(`Ref takes a logical ID or parameter name, found ${describe(arg)}`, path);
      return ref(arg, path, scope);
    }
    case 'Fn::GetAtt': {
      const parts = typeof arg === 'string' ? splitAtFirstDot(arg) : arg;
      const [id, attribute] = list(parts, 2, fn, path, '[LogicalId, Attribute] or "LogicalId.Attribute"');
      const attr = resolveString(attribute, [...path, 1], scope);
      if (typeof id !== 'string') throw new TemplateError('Fn::GetAtt names a logical ID as a plain string', path);
      return getAtt(id, attr, path, scope);
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, path, scope);
      const [text, vars] = list(arg, 2, fn, path, 'a string or [String, {Name: Value}]');
      if (typeof text !== 'string') throw new TemplateError('Fn::Sub\'s first item is the string to substitute into', [...path, 0]);
      const resolvedVars = resolveValue(vars ?? {}, [...path, 1], scope);
      if (!resolvedVars || typeof resolvedVars !== 'object' || Array.isArray(resolvedVars)) throw new TemplateError('Fn::Sub\'s second item maps names to values', [...path, 1]);
      return substitute(text, resolvedVars as Record<string, unknown>, path, scope);
    }
    case 'Fn::Join': {
      const [delimiter, items] = list(arg, 2, fn, path, '[Delimiter, [Values]]');
      const values = resolveValue(items, [...path, 1], scope);
      if (!Array.isArray(values)) throw new TemplateError(`Fn::Join joins a list, found ${describe(values)}`, [...path, 1]);
      return values.map((v, i) => scalar(v, [...path, 1, i])).join(resolveString(delimiter, [...path, 0], scope));
    }
    case 'Fn::Select': {
      const [index, items] = list(arg, 2, fn, path, '[Index, [Values]]');
      const n = Number(resolveValue(index, [...path, 0], scope));
      const values = resolveValue(items, [...path, 1], scope);
      if (!Array.isArray(values)) throw new TemplateError(`Fn::Select picks from a list, found ${describe(values)}`, [...path, 1]);
      if (!Number.isInteger(n) || n < 0 || n >= values.length) throw new TemplateError(`Fn::Select index ${String(index)} is outside the list of ${values.length}`, [...path, 0]);
      return values[n];
    }
    case 'Fn::Split': {
      const [delimiter, text] = list(arg, 2, fn, path, '[Delimiter, String]');
      return resolveString(text, [...path, 1], scope).split(resolveString(delimiter, [...path, 0], scope));
    }
    case 'Fn::GetAZs': {
      const region = resolveValue(arg, path, scope);
      const r = typeof region === 'string' && region !== '' ? region : scope.pseudo['AWS::Region']!;
      // Locally every region has the same three zones, named as AWS names them.
      return ['a', 'b', 'c'].map((zone) => `${r}${zone}`);
    }
    case 'Fn::ImportValue':
      throw new TemplateError(
        `Fn::ImportValue imports ${JSON.stringify(resolveValue(arg, path, scope))} from another stack's Outputs, which does not exist locally`,
        path,
        'replace it with a parameter (Ref) and pass the value with --parameter-overrides Name=Value',
      );
    case 'Fn::FindInMap': {
      const parts = list(arg, undefined, fn, path, '[MapName, TopLevelKey, SecondLevelKey]');
      if (parts.length < 3) throw new TemplateError('Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]', path);
      const [mapName, top, second] = parts.slice(0, 3).map((p, i) => resolveString(p, [...path, i], scope));
      const map = scope.mappings[mapName!];
      if (!map) throw new TemplateError(`Fn::FindInMap names the mapping "${mapName}", which is not under Mappings`, path, hintOf(Object.keys(scope.mappings)));
      const found = map[top!]?.[second!];
      if (found === undefined) {
        const fallback = parts[3] as { DefaultValue?: unknown } | undefined;
        if (fallback && typeof fallback === 'object' && 'DefaultValue' in fallback) return resolveValue(fallback.DefaultValue, [...path, 3], scope);
        throw new TemplateError(`Mappings.${mapName} has no ${top}.${second}`, path, `keys under ${mapName}: ${Object.keys(map).join(', ')}`);
      }
      return found;
    }
    case 'Fn::Base64':
      return Buffer.from(resolveString(arg, path, scope)).toString('base64');
    case 'Fn::ToJsonString':
      return JSON.stringify(resolveValue(arg, path, scope));
    case 'Fn::Length': {
      const values = resolveValue(arg, path, scope);
      if (!Array.isArray(values)) throw new TemplateError(`Fn::Length counts a list, found ${describe(values)}`, path);
      return values.length;
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = list(arg, 3, fn, path, '[ConditionName, ValueIfTrue, ValueIfFalse]');
      if (typeof condition !== 'string') throw new TemplateError('Fn::If names a condition as a string', [...path, 0]);
      return scope.condition(condition, [...path, 0]) ? resolveValue(whenTrue, [...path, 1], scope) : resolveValue(whenFalse, [...path, 2], scope);
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
      return evaluateCondition({ [fn]: arg }, path.slice(0, -1), scope);
    default:
      throw new TemplateError(`${fn} is not supported by evlab`, path, 'compute the value into a parameter, or write it out');
  }
}

function splitAtFirstDot(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

function scalar(value: unknown, path: TemplatePath): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`expected a string, found ${describe(value)}`, path);
}

function ref(name: string, path: TemplatePath, scope: ResolveScope): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name in scope.pseudo) return scope.pseudo[name];
  if (name.startsWith('AWS::')) throw new TemplateError(`${name} is not a pseudo parameter`, path, `pseudo parameters: ${Object.keys(scope.pseudo).join(', ')}, AWS::NoValue`);
  if (name in scope.parameters) return scope.parameters[name];
  const found = scope.ref(name, path);
  if (found === undefined) throw new TemplateError(`Ref names "${name}", which is neither a parameter nor a resource of this template`, path, hintOf(scope.known(), name));
  return found;
}

function getAtt(id: string, attribute: string, path: TemplatePath, scope: ResolveScope): string {
  const found = scope.getAtt(id, attribute, path);
  if (found === undefined) throw new TemplateError(`Fn::GetAtt names "${id}", which is not a resource of this template`, path, hintOf(scope.known(), id));
  return found;
}

/** `${Name}`, `${Logical.Attribute}` and `${!Literal}` (which stays `${Literal}`). */
function substitute(text: string, vars: Record<string, unknown>, path: TemplatePath, scope: ResolveScope): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (name in vars) return scalar(vars[name], path);
    const dot = name.indexOf('.');
    if (dot > 0 && !(name in scope.parameters)) return getAtt(name.slice(0, dot), name.slice(dot + 1), path, scope);
    const value = ref(name, path, scope);
    if (value === NO_VALUE) throw new TemplateError(`Fn::Sub cannot substitute AWS::NoValue (${whole})`, path);
    return Array.isArray(value) ? value.join(',') : scalar(value, path);
  });
}

/** A condition: Fn::Equals/And/Or/Not, `{Condition: Name}`, or a literal boolean. */
export function evaluateCondition(value: unknown, path: TemplatePath, scope: ResolveScope): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  const fn = intrinsicKey(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  const at = [...path, fn ?? ''];
  switch (fn) {
    case 'Condition':
      if (typeof arg !== 'string') throw new TemplateError('Condition names a condition as a string', at);
      return scope.condition(arg, at);
    case 'Fn::Equals': {
      const [a, b] = list(arg, 2, fn, at, '[Value1, Value2]').map((v, i) => resolveValue(v, [...at, i], scope));
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    case 'Fn::Not': {
      const [inner] = list(arg, 1, fn, at, '[Condition]');
      return !evaluateCondition(inner, [...at, 0], scope);
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const items = list(arg, undefined, fn, at, 'a list of 2 to 10 conditions');
      if (items.length < 2 || items.length > 10) throw new TemplateError(`${fn} takes 2 to 10 conditions, found ${items.length}`, at);
      const results = items.map((c, i) => evaluateCondition(c, [...at, i], scope));
      return fn === 'Fn::And' ? results.every(Boolean) : results.some(Boolean);
    }
    case 'Fn::If': {
      const resolved = resolveValue(value, path, scope);
      if (typeof resolved === 'boolean') return resolved;
      return evaluateCondition(resolved, path, scope);
    }
    default:
      throw new TemplateError(`expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition), found ${describe(value)}`, path);
  }
}

/** "did you mean" for a name among `known` (the stack file's edit-distance suggestion). */
export function hintOf(known: string[], name?: string): string | undefined {
  if (known.length === 0) return undefined;
  return (name ? suggestion(name, known, 'known') : suggestion('', known, 'known')) || undefined;
}

/** Logical IDs a value refers to (Ref, Fn::GetAtt, ${…} in Fn::Sub), for dependency order and cycle checks. */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
    return into;
  }
  if (!value || typeof value !== 'object') return into;
  const fn = intrinsicKey(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Ref' && typeof arg === 'string') into.add(arg);
  else if (fn === 'Fn::GetAtt') {
    const id = typeof arg === 'string' ? splitAtFirstDot(arg)[0] : Array.isArray(arg) ? arg[0] : undefined;
    if (typeof id === 'string') into.add(id);
  } else if (fn === 'Fn::Sub') {
    const text = typeof arg === 'string' ? arg : Array.isArray(arg) ? arg[0] : undefined;
    const vars = Array.isArray(arg) && arg[1] && typeof arg[1] === 'object' ? Object.keys(arg[1] as object) : [];
    if (typeof text === 'string') {
      for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = m[1]!.trim();
        if (!vars.includes(name)) into.add(name.split('.')[0]!);
      }
    }
    if (Array.isArray(arg)) referencedIds(arg[1], into);
    return into;
  }
  for (const v of Object.values(value)) referencedIds(v, into);
  return into;
}
