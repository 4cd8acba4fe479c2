import { ValidationError, type Problem } from '../errors.js';
import { toPutEventsEntry } from './entry.js';
import { parseEventFile } from './parse.js';
import { entrySize, formatBytes, MAX_PUT_EVENTS_BYTES } from './size.js';
import { closest } from './suggest.js';
import type { EventFileFormat, PreparedEntry } from './types.js';

export interface EventFileText {
  /** How the user named the file (used in every message). */
  file: string;
  text: string;
}

export interface PrepareOptions {
  /** --bus: the bus for entries that name none. */
  bus?: string;
  /** Buses the stack file declares (without `default`); undefined when there is no stack file. */
  declaredBuses?: readonly string[];
  /** The stack file's name, for messages. */
  stackFile?: string;
}

export interface PreparedEvents {
  entries: PreparedEntry[];
  files: { file: string; format: EventFileFormat; entries: number }[];
}

/**
 * Parses and validates every entry of every file before anything is sent: one ValidationError
 * (exit 2) lists every problem as `file:entry N`, so a batch is never half sent because of bad input.
 */
export function prepareEvents(inputs: readonly EventFileText[], options: PrepareOptions = {}): PreparedEvents {
  const problems: Problem[] = [];
  const entries: PreparedEntry[] = [];
  const files: PreparedEvents['files'] = [];
  const busProblem = options.bus === undefined ? undefined : checkBus(options.bus, options);
  if (busProblem) problems.push({ path: '--bus', ...busProblem });

  for (const input of inputs) {
    const parsed = parseEventFile(input.text, input.file);
    problems.push(...parsed.problems);
    files.push({ file: input.file, format: parsed.format, entries: parsed.items.length });
    for (const item of parsed.items) {
      const where = `${input.file}:entry ${item.index}${item.line !== undefined && parsed.format !== 'event' ? ` (line ${item.line})` : ''}`;
      const { entry, problems: entryProblems } = toPutEventsEntry(item.value);
      for (const p of entryProblems) problems.push({ path: where, ...p });
      if (!entry) continue;
      if (entry.EventBusName === undefined && options.bus !== undefined) entry.EventBusName = options.bus;
      else if (entry.EventBusName !== undefined) {
        const p = checkBus(entry.EventBusName, options);
        if (p) problems.push({ path: where, ...p });
      }
      const size = entrySize(entry);
      if (size > MAX_PUT_EVENTS_BYTES) {
        problems.push({
          path: where,
          message: `the entry is ${formatBytes(size)}; AWS accepts at most 256 KB per entry (Source + DetailType + Detail + Resources, +14 bytes for Time)`,
          hint: 'send a reference (an S3 key, an id) instead of the payload itself',
        });
        continue;
      }
      entries.push({ file: input.file, index: item.index, line: item.line, entry, size });
    }
  }
  if (problems.length > 0) throw new ValidationError('InvalidEvents', inputs.length === 1 ? inputs[0]!.file : undefined, problems);
  return { entries, files };
}

/** The bus name inside an event-bus ARN (`arn:aws:events:us-east-1:000000000000:event-bus/orders` → orders). */
export function busNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

function checkBus(bus: string, options: PrepareOptions): { message: string; hint: string } | undefined {
  if (options.declaredBuses === undefined) return undefined;
  const name = busNameOf(bus);
  if (name === 'default' || options.declaredBuses.includes(name)) return undefined;
  const known = ['default', ...options.declaredBuses];
  const guess = closest(name, known);
  return {
    message: `the bus "${name}" is not declared in ${options.stackFile ?? 'the stack file'}`,
    hint: `${guess ? `did you mean "${guess}"? ` : ''}declare it under "buses" and run evlab setup, or use one of: ${known.join(', ')}`,
  };
}
