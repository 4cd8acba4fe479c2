import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LogsState, type LogEvent, type LogGroup, type LogStream } from './state.js';

const FILE = 'state.json';
const VERSION = 1;

interface SavedStream {
  name: string;
  creationTime: number;
  uploads: number;
  lastIngestionTime?: number;
  /** [timestamp, seq, ingestionTime, message]: compact, since events are most of the file. */
  events: [number, number, number, string][];
}

interface SavedGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
  storedBytes: number;
  streams: SavedStream[];
}

interface SavedState {
  version: number;
  seq: number;
  regions: Record<string, SavedGroup[]>;
}

/** Writes the whole state; a temporary file and a rename keep the previous save intact if this one dies. */
export async function saveState(dir: string, state: LogsState): Promise<void> {
  const saved: SavedState = { version: VERSION, seq: state.seq, regions: {} };
  for (const [region, groups] of state.allRegions()) saved.regions[region] = [...groups.values()].map(saveGroup);
  const target = join(dir, FILE);
  await writeFile(`${target}.tmp`, JSON.stringify(saved));
  await rename(`${target}.tmp`, target);
}

/** The saved state, or an empty one when nothing was saved yet. */
export async function loadState(dir: string, maxEventsPerGroup?: number): Promise<LogsState> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new LogsState(maxEventsPerGroup);
    throw err;
  }
  const saved = JSON.parse(text) as SavedState;
  if (saved.version !== VERSION) throw new Error(`unsupported logs state version ${saved.version}`);
  const state = new LogsState(maxEventsPerGroup);
  state.seq = saved.seq;
  for (const [region, groups] of Object.entries(saved.regions)) {
    const target = state.groups(region);
    for (const g of groups) target.set(g.name, restoreGroup(g));
  }
  return state;
}

function saveGroup(g: LogGroup): SavedGroup {
  return {
    name: g.name,
    creationTime: g.creationTime,
    retentionInDays: g.retentionInDays,
    kmsKeyId: g.kmsKeyId,
    logGroupClass: g.logGroupClass,
    tags: g.tags,
    storedBytes: g.storedBytes,
    streams: [...g.streams.values()].map((s) => ({
      name: s.name,
      creationTime: s.creationTime,
      uploads: s.uploads,
      lastIngestionTime: s.lastIngestionTime,
      events: s.events.map((e) => [e.timestamp, e.seq, e.ingestionTime, e.message]),
    })),
  };
}

function restoreGroup(g: SavedGroup): LogGroup {
  const streams = new Map<string, LogStream>();
  const ingested: LogEvent[] = [];
  for (const s of g.streams) {
    const events = s.events.map(([timestamp, seq, ingestionTime, message]): LogEvent => ({ stream: s.name, timestamp, seq, ingestionTime, message }));
    for (const e of events) ingested.push(e);
    streams.set(s.name, { name: s.name, creationTime: s.creationTime, uploads: s.uploads, lastIngestionTime: s.lastIngestionTime, events });
  }
  ingested.sort((a, b) => a.seq - b.seq);
  return {
    name: g.name,
    creationTime: g.creationTime,
    retentionInDays: g.retentionInDays,
    kmsKeyId: g.kmsKeyId,
    logGroupClass: g.logGroupClass,
    tags: g.tags,
    storedBytes: g.storedBytes,
    streams,
    ingested,
  };
}
