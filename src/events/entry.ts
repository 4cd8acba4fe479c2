import { jsonSyntaxError } from './json-text.js';
import { describe, isObject } from './parse.js';
import { closest } from './suggest.js';
import type { PutEventsEntry } from './types.js';

/** A problem with one entry; the caller adds where it is. */
export interface EntryProblem {
  message: string;
  hint?: string;
}

const ENTRY_KEYS = ['Source', 'DetailType', 'Detail', 'Resources', 'Time', 'EventBusName', 'TraceHeader'] as const;
// `id`, `version`, `account` and `region` are assigned by EventBridge: accepted (so captured events can be
// replayed as they are) and not sent.
const ENVELOPE_KEYS = ['source', 'detail-type', 'detail', 'resources', 'time', 'id', 'version', 'account', 'region'] as const;
const ENTRY_MARKERS = ['Source', 'DetailType', 'Detail'];
const ENVELOPE_MARKERS = ['source', 'detail-type', 'detail'];
const EXAMPLE_ENTRY = '{"Source": "cli", "DetailType": "test", "Detail": {"key": "value"}}';

/**
 * Turns one value of an event file (a PutEvents entry or a full event envelope) into the entry evlab sends,
 * collecting every problem at once. Detail may be a JSON string or an object; it must be a JSON object.
 */
export function toPutEventsEntry(value: unknown): { entry?: PutEventsEntry; problems: EntryProblem[] } {
  if (!isObject(value)) {
    return { problems: [{ message: `expected an event object, found ${describe(value)}`, hint: `an entry looks like ${EXAMPLE_ENTRY}` }] };
  }
  const keys = Object.keys(value);
  const isEntry = keys.some((k) => ENTRY_MARKERS.includes(k));
  const isEnvelope = keys.some((k) => ENVELOPE_MARKERS.includes(k));
  if (isEntry && isEnvelope) {
    return {
      problems: [
        {
          message: 'mixes PutEvents fields (Source, DetailType, Detail) with event-envelope fields (source, detail-type, detail)',
          hint: 'use one form per entry: {"Source", "DetailType", "Detail"} or {"source", "detail-type", "detail"}',
        },
      ],
    };
  }
  return isEnvelope ? fromEnvelope(value) : fromEntry(value);
}

function fromEntry(value: Record<string, unknown>) {
  const problems: EntryProblem[] = unknownKeys(value, ENTRY_KEYS, ENVELOPE_KEYS);
  const source = requiredString(value, 'Source', problems, 'who sends the event, e.g. "Source": "cli"');
  const detailType = requiredString(value, 'DetailType', problems, 'what happened, e.g. "DetailType": "order.created"');
  const detail = detailText(value.Detail, 'Detail', problems);
  const resources = stringArray(value.Resources, 'Resources', problems);
  const time = timeOf(value.Time, 'Time', problems);
  const bus = optionalString(value.EventBusName, 'EventBusName', problems);
  const trace = optionalString(value.TraceHeader, 'TraceHeader', problems);
  if (problems.length > 0) return { problems };
  return { entry: clean({ Source: source!, DetailType: detailType!, Detail: detail!, Resources: resources, Time: time, EventBusName: bus, TraceHeader: trace }), problems };
}

function fromEnvelope(value: Record<string, unknown>) {
  const problems: EntryProblem[] = unknownKeys(value, ENVELOPE_KEYS, ENTRY_KEYS);
  const source = requiredString(value, 'source', problems, 'who sends the event, e.g. "source": "cli"');
  const detailType = requiredString(value, 'detail-type', problems, 'what happened, e.g. "detail-type": "order.created"');
  const detail = detailText(value.detail, 'detail', problems);
  const resources = stringArray(value.resources, 'resources', problems);
  const time = timeOf(value.time, 'time', problems);
  if (problems.length > 0) return { problems };
  return { entry: clean({ Source: source!, DetailType: detailType!, Detail: detail!, Resources: resources, Time: time }), problems };
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], otherForm: readonly string[]): EntryProblem[] {
  const problems: EntryProblem[] = [];
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const guess = closest(key, allowed);
    const fromOther = otherForm.includes(key);
    problems.push({
      message: `unknown field "${key}"`,
      hint: guess ? `did you mean "${guess}"?` : fromOther ? 'do not mix PutEvents fields with envelope fields' : `known fields: ${allowed.join(', ')}`,
    });
  }
  return problems;
}

function requiredString(value: Record<string, unknown>, key: string, problems: EntryProblem[], hint: string): string | undefined {
  const v = value[key];
  if (v === undefined || v === null) problems.push({ message: `"${key}" is required`, hint });
  else if (typeof v !== 'string') problems.push({ message: `"${key}" must be a string, not ${describe(v)}`, hint });
  else if (v.trim() === '') problems.push({ message: `"${key}" is empty`, hint });
  else return v;
  return undefined;
}

function optionalString(v: unknown, key: string, problems: EntryProblem[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') {
    problems.push({ message: `"${key}" must be a non-empty string, not ${describe(v)}` });
    return undefined;
  }
  return v;
}

/** Detail as AWS wants it: a string holding a JSON object. An object is serialised; a string must hold one. */
function detailText(v: unknown, key: string, problems: EntryProblem[]): string | undefined {
  const hint = `"${key}": {"key": "value"} or "${key}": "{\\"key\\": \\"value\\"}"`;
  if (v === undefined || v === null) {
    problems.push({ message: `"${key}" is required`, hint });
    return undefined;
  }
  if (isObject(v)) return JSON.stringify(v);
  if (typeof v === 'string') {
    const syntax = jsonSyntaxError(v);
    if (syntax) {
      problems.push({
        message: `"${key}" is a string but not valid JSON: ${syntax.message} at character ${syntax.position.column}${syntax.position.line > 1 ? ` of line ${syntax.position.line}` : ''}`,
        hint: syntax.hint ?? `write ${key} as a JSON object instead of a string`,
      });
      return undefined;
    }
    const parsed = JSON.parse(v) as unknown;
    if (!isObject(parsed)) {
      problems.push({ message: `"${key}" must hold a JSON object, but holds ${describe(parsed)}`, hint });
      return undefined;
    }
    return v;
  }
  problems.push({ message: `"${key}" must be a JSON object, not ${describe(v)}`, hint });
  return undefined;
}

function stringArray(v: unknown, key: string, problems: EntryProblem[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((r) => typeof r !== 'string')) {
    problems.push({ message: `"${key}" must be an array of strings (ARNs)`, hint: `"${key}": ["arn:aws:s3:::my-bucket"]` });
    return undefined;
  }
  return v as string[];
}

/** An ISO-8601 string, or a number of seconds since the epoch (as the AWS CLI takes it). */
function timeOf(v: unknown, key: string, problems: EntryProblem[]): Date | undefined {
  if (v === undefined) return undefined;
  const date = typeof v === 'string' ? new Date(v) : typeof v === 'number' ? new Date(v * 1000) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    problems.push({ message: `"${key}" must be an ISO-8601 time or epoch seconds, not ${describe(v)}`, hint: `"${key}": "2024-05-01T12:00:00Z"` });
    return undefined;
  }
  return date;
}

function clean(entry: PutEventsEntry): PutEventsEntry {
  for (const key of Object.keys(entry) as (keyof PutEventsEntry)[]) if (entry[key] === undefined) delete entry[key];
  return entry;
}
