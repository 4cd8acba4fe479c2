import type { EngineContext, EngineRequest, EngineResponse } from '../types.js';
import type { ApiGatewayStore } from './store.js';

/** What the control-plane handlers and the invoke paths share. */
export interface ApiGatewayCore {
  ctx: EngineContext;
  store: ApiGatewayStore;
}

export type Handler = (core: ApiGatewayCore, req: EngineRequest, params: string[]) => EngineResponse | Promise<EngineResponse>;

export function json(status: number, body: unknown): EngineResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: body === undefined ? '' : JSON.stringify(body) };
}

export const noContent = (status = 204): EngineResponse => ({ status, body: '' });

/** The invoke URL base the engine serves without DNS; `/<stage>/...` follows it. */
export function invokeBase(core: ApiGatewayCore, apiId: string): string {
  return `${core.ctx.url}/_aws/execute-api/${apiId}`;
}
