import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpApi, RestApi } from './model.js';
import type { ApiGatewayStore } from './store.js';

const STATE_FILE = 'state.json';

// Maps become [key, value] lists on disk and come back as Maps.
const MAP_FIELDS = ['integrations', 'routes', 'stages', 'deployments', 'resources'] as const;

function toDisk(api: HttpApi | RestApi): Record<string, unknown> {
  const out: Record<string, unknown> = { ...api };
  for (const field of MAP_FIELDS) if (field in api) out[field] = [...((api as unknown as Record<string, Map<string, unknown>>)[field]).entries()];
  return out;
}

function fromDisk<T>(saved: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...saved };
  for (const field of MAP_FIELDS) if (Array.isArray(saved[field])) out[field] = new Map(saved[field] as [string, unknown][]);
  return out as T;
}

/** With --persist: every API with its routes, integrations, resources, deployments and stages. */
export async function saveApiGatewayState(store: ApiGatewayStore, dir: string): Promise<void> {
  if (store.httpApis.size === 0 && store.restApis.size === 0 && !existsSync(join(dir, STATE_FILE))) return;
  await mkdir(dir, { recursive: true });
  const state = { version: 1, httpApis: [...store.httpApis.values()].map(toDisk), restApis: [...store.restApis.values()].map(toDisk) };
  await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
}

export function restoreApiGatewayState(store: ApiGatewayStore, dir: string, log: (line: string) => void): void {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as { httpApis?: Record<string, unknown>[]; restApis?: Record<string, unknown>[] };
    for (const saved of state.httpApis ?? []) {
      const api = fromDisk<HttpApi>(saved);
      store.httpApis.set(api.apiId, api);
    }
    for (const saved of state.restApis ?? []) {
      const api = fromDisk<RestApi>(saved);
      store.restApis.set(api.id, api);
    }
  } catch (err) {
    log(`apigateway: could not read saved state ${file}: ${(err as Error).message}`);
  }
}
