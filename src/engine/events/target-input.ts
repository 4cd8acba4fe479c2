/**
 * What a target receives: the whole event, a constant (Input), part of the event (InputPath) or a template
 * filled from it (InputTransformer). Compiled once at PutTargets so delivery only fills in values.
 */
import type { AcceptedEvent } from './envelope.js';
import { constraintViolation, validation } from './errors.js';
import { compileJsonPath, evaluateJsonPath, type JsonPath } from './json-path.js';
import type { Input } from './validation.js';

export interface Payload {
  /** JSON text, for targets that take JSON (Lambda invocations, bus-to-bus). */
  json: string;
  /** What text targets (SQS bodies, log messages) receive: a JSON string's content, anything else as JSON text. */
  plain: string;
}

export interface RuleInfo {
  name: string;
  arn: string;
}

/** Undefined when there is nothing to deliver (an InputPath that reaches nothing). */
export type InputPlan = (event: AcceptedEvent, rule: RuleInfo) => Payload | undefined;

const PREDEFINED = new Set(['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json']);
const PATHS_MAP_KEY = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/y;

const wholeEvent: InputPlan = (event) => {
  const json = event.json;
  return { json, plain: json };
};

/** Validates the target's input settings (ValidationException as AWS words them) and compiles them. */
export function compileInputPlan(target: Input, member: string): InputPlan {
  const id = String(target.Id);
  const input = target.Input;
  const inputPath = target.InputPath;
  const transformer = target.InputTransformer;
  const given = [input, inputPath, transformer].filter((v) => v !== undefined && v !== null).length;
  if (given > 1) throw validation(`Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`);

  if (input !== undefined && input !== null) return constantPlan(input, member);
  if (inputPath !== undefined && inputPath !== null) return pathPlan(inputPath, member);
  if (transformer !== undefined && transformer !== null) return transformerPlan(transformer, id, member);
  return wholeEvent;
}

function constantPlan(input: unknown, member: string): InputPlan {
  if (typeof input !== 'string') throw validation('Invalid type for parameter Input: expected a string.');
  if (input.length > 8192) throw constraintViolation(`${member}.input`, input, 'Member must have length less than or equal to 8192');
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    throw validation(`Parameter Input is not valid. Reason: it must be valid JSON text.`);
  }
  const payload: Payload = { json: input, plain: typeof value === 'string' ? value : input };
  return () => payload;
}

function pathPlan(inputPath: unknown, member: string): InputPlan {
  if (typeof inputPath !== 'string') throw validation('Invalid type for parameter InputPath: expected a string.');
  if (inputPath.length > 256) throw constraintViolation(`${member}.inputPath`, inputPath, 'Member must have length less than or equal to 256');
  const path = compileJsonPath(inputPath);
  if (typeof path === 'string') throw validation(`Parameter InputPath is not valid. Reason: ${path}.`);
  if (path.steps.length === 0) return wholeEvent;
  // The common `$.detail` needs no serialising at all: the caller's Detail text is delivered.
  if (inputPath === '$.detail') {
    return (event) => ({ json: event.fields.detailText, plain: event.fields.detailText });
  }
  return (event) => {
    const value = evaluateJsonPath(path, event.object);
    if (value === undefined) return undefined;
    const json = JSON.stringify(value);
    return { json, plain: typeof value === 'string' ? value : json };
  };
}

type Part = string | { name: string; inString: boolean };
type TemplateKind = 'json' | 'string' | 'text';

function transformerPlan(raw: unknown, targetId: string, member: string): InputPlan {
  if (typeof raw !== 'object' || Array.isArray(raw)) throw validation('Invalid type for parameter InputTransformer: expected a structure.');
  const transformer = raw as Input;
  const template = transformer.InputTemplate;
  const field = `${member}.inputTransformer`;
  if (template === undefined || template === null) throw constraintViolation(`${field}.inputTemplate`, undefined, 'Member must not be null');
  if (typeof template !== 'string') throw validation('Invalid type for parameter InputTemplate: expected a string.');
  if (template.length < 1) throw constraintViolation(`${field}.inputTemplate`, template, 'Member must have length greater than or equal to 1');
  if (template.length > 8192) throw constraintViolation(`${field}.inputTemplate`, template, 'Member must have length less than or equal to 8192');

  const paths = new Map<string, JsonPath>();
  const map = transformer.InputPathsMap ?? {};
  if (typeof map !== 'object' || Array.isArray(map)) throw validation('Invalid type for parameter InputPathsMap: expected a map.');
  const entries = Object.entries(map as Record<string, unknown>);
  if (entries.length > 100) throw constraintViolation(`${field}.inputPathsMap`, map, 'Member must have length less than or equal to 100');
  for (const [key, value] of entries) {
    if (!PATHS_MAP_KEY.test(key) || key.length > 256) {
      throw constraintViolation(`${field}.inputPathsMap`, map, 'Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]');
    }
    if (typeof value !== 'string') throw validation(`Invalid type for parameter InputPathsMap.${key}: expected a string.`);
    const path = compileJsonPath(value);
    if (typeof path === 'string') throw validation(`InputPathsMap has an invalid JSON path for key ${key}: ${path}.`);
    paths.set(key, path);
  }

  const kind = templateKind(template);
  const parts = parseTemplate(template, kind, (name) => {
    if (!paths.has(name) && !PREDEFINED.has(name)) {
      throw validation(`InputTemplate for target ${targetId} contains invalid placeholder ${name}.`);
    }
  });

  return (event, rule) => {
    let text = '';
    for (const part of parts) {
      text += typeof part === 'string' ? part : fill(part, paths, event, rule);
    }
    if (kind !== 'string') return { json: text, plain: text };
    // A quoted template is a JSON string: text targets get its content, as a published message would show it.
    return { json: text, plain: stringContent(text) };
  };
}

function templateKind(template: string): TemplateKind {
  const first = template.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  if (first === '"' && template.trimEnd().endsWith('"')) return 'string';
  return 'text';
}

/** Splits the template into literal text and placeholders, noting which placeholders sit inside JSON strings. */
function parseTemplate(template: string, kind: TemplateKind, check: (name: string) => void): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '<') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      if (m) {
        check(m[1]);
        if (literal) parts.push(literal);
        literal = '';
        parts.push({ name: m[1], inString: kind === 'text' || inString });
        i += m[0].length - 1;
        continue;
      }
    }
    if (kind !== 'text') {
      if (c === '\\' && inString) {
        literal += c + (template[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = !inString;
    }
    literal += c;
  }
  if (literal) parts.push(literal);
  return parts;
}

/**
 * AWS's rules for a value in the template: outside a JSON string a string value is quoted and other values are
 * written as JSON; inside a string a string value goes in as is (EventBridge does not escape it) and an object or
 * array loses its quotes so the string stays a string. A path that reaches nothing gives null / nothing.
 */
function fill(part: { name: string; inString: boolean }, paths: Map<string, JsonPath>, event: AcceptedEvent, rule: RuleInfo): string {
  const { name, inString } = part;
  switch (name) {
    case 'aws.events.rule-arn':
      return inString ? rule.arn : JSON.stringify(rule.arn);
    case 'aws.events.rule-name':
      return inString ? rule.name : JSON.stringify(rule.name);
    case 'aws.events.event.ingestion-time':
      return inString ? event.fields.ingestionTime : `"${event.fields.ingestionTime}"`;
    case 'aws.events.event.json':
      return inString ? event.json.replaceAll('"', '') : event.json;
    case 'aws.events.event':
      return render(eventWithoutDetail(event), inString);
  }
  const path = paths.get(name)!;
  if (!inString && path.text === '$.detail') return event.fields.detailText;
  return render(evaluateJsonPath(path, event.object), inString);
}

function render(value: unknown, inString: boolean): string {
  if (value === undefined) return inString ? '' : 'null';
  if (typeof value === 'string') return inString ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  const json = JSON.stringify(value);
  return inString ? json.replaceAll('"', '') : json;
}

/** `<aws.events.event>`: the envelope without detail; AWS names detail-type `detailType` in it. */
function eventWithoutDetail(event: AcceptedEvent): Record<string, unknown> {
  const f = event.fields;
  return { version: '0', id: f.id, detailType: f.detailType, source: f.source, account: f.account, time: f.time, region: f.region, resources: f.resources };
}

function stringContent(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'string') return value;
  } catch {
    // Unescaped quotes from an inserted value: the text between the outer quotes is what was meant.
  }
  const trimmed = text.trim();
  return trimmed.slice(1, -1);
}
