import { randomBytes } from 'node:crypto';
import { limitExceeded, notFound } from './errors.js';
import { LIMITS, type HttpApi, type RestApi } from './model.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A lowercase alphanumeric id like AWS's (API ids are 10 characters, route and integration ids 7). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** HTTP and REST APIs share one id space, as they share the execute-api host names. */
export class ApiGatewayStore {
  readonly httpApis = new Map<string, HttpApi>();
  readonly restApis = new Map<string, RestApi>();
  readonly stats = { deploymentsDropped: 0 };

  constructor(readonly accountId: string) {}

  newApiId(): string {
    for (;;) {
      const id = randomId(10);
      if (!this.httpApis.has(id) && !this.restApis.has(id)) return id;
    }
  }

  assertRoomForApi(region: string): void {
    const count = [...this.httpApis.values(), ...this.restApis.values()].filter((a) => a.region === region).length;
    if (count >= LIMITS.apisPerRegion) throw limitExceeded(`Maximum number of APIs per region (${LIMITS.apisPerRegion}) reached.`);
  }

  requireHttp(apiId: string, region: string): HttpApi {
    const api = this.httpApis.get(apiId);
    if (!api || api.region !== region) throw notFound(`Invalid API identifier specified ${this.accountId}:${apiId}`, 'Api');
    return api;
  }

  requireRest(id: string, region: string): RestApi {
    const api = this.restApis.get(id);
    if (!api || api.region !== region) throw notFound(`Invalid API identifier specified ${this.accountId}:${id}`);
    return api;
  }

  /** Deployments that no stage serves go, oldest first, beyond LIMITS.deploymentsKept. */
  pruneDeployments(api: HttpApi | RestApi): void {
    const deployments = api.deployments as Map<string, unknown>;
    if (deployments.size <= LIMITS.deploymentsKept) return;
    const inUse = new Set([...api.stages.values()].map((s) => s.deploymentId));
    for (const id of deployments.keys()) {
      if (deployments.size <= LIMITS.deploymentsKept) break;
      if (inUse.has(id)) continue;
      deployments.delete(id);
      this.stats.deploymentsDropped++;
    }
  }
}

/** `2024-01-01T00:00:00Z`: apigatewayv2 dates are ISO 8601 without milliseconds. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
