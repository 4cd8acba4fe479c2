import { UnreachableError } from '../errors.js';
import { httpGet } from './http-get.js';

export type EngineKind = 'evlab' | 'localstack' | 'ministack' | 'floci' | 'moto' | 'unknown';

export interface EndpointInfo {
  kind: EngineKind;
  /** Human label, e.g. "evlab engine 0.1.0", "LocalStack 4.3 (community)". */
  label: string;
  version?: string;
  /** Service states where the endpoint reports them (LocalStack-style health). */
  services?: Record<string, string>;
  /** evlab engine only: whether --wait can use its idle signal. */
  idleSignal: boolean;
}

const PROBE_TIMEOUT_MS = 2500;

/**
 * Recognises what listens at the endpoint from its health/identity routes; see shared/FACTS.md.
 * Fails with UnreachableError (exit 3) within ~3 s when nothing answers.
 */
export async function detectEndpoint(endpoint: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<EndpointInfo> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const get = async (path: string): Promise<{ status: number; body: unknown } | undefined> => {
    try {
      const res = await httpGet(endpoint + path, deadline);
      const text = res.text;
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    } catch (err) {
      if (isConnectionError(err)) throw err;
      return undefined;
    }
  };

  try {
    const own = await get('/_evlab/health');
    if (own?.status === 200 && isObject(own.body) && own.body.engine === 'evlab') {
      return {
        kind: 'evlab',
        label: `evlab engine ${String(own.body.version ?? '')}`.trim(),
        version: String(own.body.version ?? ''),
        services: own.body.services as Record<string, string>,
        idleSignal: true,
      };
    }
    for (const [path, kind, name] of [
      ['/_ministack/health', 'ministack', 'MiniStack'],
      ['/_floci/health', 'floci', 'Floci'],
    ] as const) {
      const res = await get(path);
      if (res?.status === 200) return { kind, label: name, services: servicesOf(res.body), version: versionOf(res.body), idleSignal: false };
    }
    const ls = await get('/_localstack/health');
    if (ls?.status === 200 && isObject(ls.body) && isObject(ls.body.services)) {
      const version = versionOf(ls.body);
      const edition = typeof ls.body.edition === 'string' ? ` (${ls.body.edition})` : '';
      return { kind: 'localstack', label: `LocalStack ${version ?? ''}${edition}`.replace(/\s+/g, ' ').trim(), version, services: servicesOf(ls.body), idleSignal: false };
    }
    const moto = await get('/moto-api/');
    if (moto && moto.status === 200) return { kind: 'moto', label: 'moto', idleSignal: false };
    // Something answers HTTP but is none of the above: an AWS-compatible endpoint we don't know.
    const any = await get('/');
    if (any) return { kind: 'unknown', label: 'an unrecognised AWS-compatible endpoint', idleSignal: false };
    throw new UnreachableError(endpoint);
  } catch (err) {
    if (err instanceof UnreachableError) throw err;
    throw new UnreachableError(endpoint, { cause: err });
  }
}

function isConnectionError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    (err as Error)?.name === 'TimeoutError' ||
    (err as Error)?.name === 'AbortError'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function servicesOf(body: unknown): Record<string, string> | undefined {
  return isObject(body) && isObject(body.services) ? (body.services as Record<string, string>) : undefined;
}
function versionOf(body: unknown): string | undefined {
  return isObject(body) && typeof body.version === 'string' ? body.version : undefined;
}
