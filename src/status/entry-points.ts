import type { ChalkInstance } from 'chalk';
import type { Connection } from '../aws/connect.js';
import type { StackFile } from '../stack/types.js';
import type { Cell } from '../ui/table.js';
import type { Presence } from './types.js';

export interface BucketStatus {
  name: string;
  presence: Presence;
  error?: string;
  errorCode?: string;
  /** Objects counted (at most COUNT_LIMIT; `more` says there are more). */
  objects?: number;
  more?: boolean;
  firstKeys?: string[];
  /** Destinations of its notifications: `function x`, `queue y`, `eventBridge`. */
  notifications?: string[];
}

export interface ApiStatus {
  name: string;
  type: 'http' | 'rest';
  presence: Presence;
  error?: string;
  errorCode?: string;
  id?: string;
  stage?: string;
  invokeUrl?: string;
  routes?: string[];
}

export interface FunctionUrlStatus {
  function: string;
  presence: Presence;
  error?: string;
  errorCode?: string;
  url?: string;
}

export interface EntryPointStatus {
  buckets: BucketStatus[];
  apis: ApiStatus[];
  functionUrls: FunctionUrlStatus[];
}

/** Objects counted per bucket: enough to say "empty", "3" or "10000+" without listing a huge bucket to its end. */
const COUNT_LIMIT = 10_000;

type Attempt = <T>(read: () => Promise<T | undefined>) => Promise<{ presence: Presence; value?: T; error?: string; errorCode?: string }>;

/** Buckets with their object counts and first keys, APIs with their invoke URLs, function URLs: read in parallel. */
export async function gatherEntryPoints(conn: Connection, stack: StackFile, limit: number, attempt: Attempt): Promise<EntryPointStatus> {
  const [buckets, apis, functionUrls] = await Promise.all([
    Promise.all(Object.keys(stack.buckets ?? {}).map((name) => readBucket(conn, name, limit, attempt))),
    Promise.all(Object.entries(stack.apis ?? {}).map(([name, spec]) => readApiStatus(conn, name, spec.type ?? 'http', spec.stage, attempt))),
    Promise.all(
      Object.entries(stack.functions ?? {})
        .filter(([, f]) => f.url)
        .map(([name]) => readUrl(conn, name, attempt)),
    ),
  ]);
  return { buckets, apis, functionUrls };
}

async function readBucket(conn: Connection, name: string, limit: number, attempt: Attempt): Promise<BucketStatus> {
  const { bucketExists, summariseObjects, readNotifications } = await import('../aws/resources/buckets.js');
  const read = await attempt(async () => {
    const s3 = await conn.clients.s3();
    if (!(await bucketExists(s3, name))) return undefined;
    const [summary, rules] = await Promise.all([summariseObjects(s3, name, limit, COUNT_LIMIT), readNotifications(s3, name)]);
    return { summary, rules };
  });
  const v = read.value;
  return {
    name,
    presence: read.presence,
    error: read.error,
    errorCode: read.errorCode,
    ...(v
      ? {
          objects: v.summary.count,
          more: v.summary.more,
          firstKeys: v.summary.firstKeys,
          notifications: v.rules.map((r) => (r.destination.kind === 'eventBridge' ? 'eventBridge' : `${r.destination.kind} ${r.destination.name}`)),
        }
      : {}),
  };
}

async function readApiStatus(conn: Connection, name: string, type: 'http' | 'rest', stage: string | undefined, attempt: Attempt): Promise<ApiStatus> {
  const { readApi, invokeUrl } = await import('../aws/resources/apis.js');
  const { defaultStage } = await import('../stack/desired-entry-points.js');
  const read = await attempt(() => readApi(conn.clients, name, type, stage ?? defaultStage(type)));
  const v = read.value;
  return {
    name,
    type,
    presence: read.presence,
    error: read.error,
    errorCode: read.errorCode,
    ...(v
      ? {
          id: v.id,
          stage: v.state.stage,
          invokeUrl: invokeUrl({ id: v.id, type, stage: v.state.stage, apiEndpoint: v.apiEndpoint }, { url: conn.target.endpoint, local: conn.target.local, region: conn.target.region }),
          routes: Object.keys(v.state.routes).sort(),
        }
      : {}),
  };
}

async function readUrl(conn: Connection, fn: string, attempt: Attempt): Promise<FunctionUrlStatus> {
  const { readFunctionUrl } = await import('../aws/resources/function-urls.js');
  const read = await attempt(async () => readFunctionUrl(await conn.clients.lambda(), fn));
  return { function: fn, presence: read.presence, error: read.error, errorCode: read.errorCode, url: read.value?.url };
}

/** The status sections of buckets, APIs and function URLs. */
export function renderEntryPoints(
  s: Partial<EntryPointStatus>,
  c: ChalkInstance,
  table: (columns: string[], rows: Cell[][]) => string,
  absent: (r: { presence: string; error?: string }) => Cell | undefined,
): string[] {
  const out: string[] = [];
  if (s.buckets?.length) {
    out.push('', c.bold('buckets'));
    out.push(
      table(
        ['NAME', 'OBJECTS', 'FIRST KEYS', 'NOTIFICATIONS'],
        s.buckets.map((b) => {
          const gone = absent(b);
          if (gone) return [b.name, gone];
          const keys = b.firstKeys?.length ? b.firstKeys.join(', ') + ((b.objects ?? 0) > b.firstKeys.length ? ', …' : '') : c.dim('–');
          return [b.name, `${b.objects ?? 0}${b.more ? '+' : ''}`, keys, b.notifications?.length ? `→ ${b.notifications.join(', ')}` : c.dim('none')];
        }),
      ),
    );
  }
  if (s.apis?.length) {
    out.push('', c.bold('apis'));
    out.push(
      table(
        ['NAME', 'TYPE', 'STAGE', 'INVOKE URL', 'ROUTES'],
        s.apis.map((a) => {
          const gone = absent(a);
          if (gone) return [a.name, a.type, gone];
          return [a.name, a.type, a.stage ?? '', a.invokeUrl ?? '', (a.routes ?? []).join(', ')];
        }),
      ),
    );
  }
  if (s.functionUrls?.length) {
    out.push('', c.bold('function urls'));
    out.push(table(['FUNCTION', 'URL'], s.functionUrls.map((u) => [u.function, absent(u) ?? u.url ?? ''])));
  }
  return out;
}
