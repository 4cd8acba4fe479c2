import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { EngineContext, ServiceMap } from '../types.js';
import { writeAccessLog } from './access-log.js';
import type { ApiGatewayCore } from './context.js';
import { apiGatewayError } from './errors.js';
import type { HttpCall, HttpReply } from './http-call.js';
import { serveHttpApi } from './invoke-http.js';
import { serveRestApi } from './invoke-rest.js';
import { LIMITS } from './model.js';
import { notFoundReply } from './outcome.js';
import { restoreApiGatewayState, saveApiGatewayState } from './persistence.js';
import { routeApiGatewayRequest } from './routes.js';
import { ApiGatewayStore } from './store.js';

/**
 * API Gateway on the engine port: the control planes of HTTP APIs (apigatewayv2, /v2/apis...) and
 * REST APIs (apigateway, /restapis...), both REST-JSON signed with scope `apigateway`, and the
 * invoke URLs that run the routes' Lambda proxy integrations.
 */
export function createApiGatewayService(ctx: EngineContext): ServiceMap['apigateway'] {
  const store = new ApiGatewayStore(ctx.options.accountId);
  const core: ApiGatewayCore = { ctx, store };
  const stateDir = ctx.options.persistDir ? join(ctx.options.persistDir, 'apigateway') : undefined;
  if (stateDir) restoreApiGatewayState(store, stateDir, ctx.options.log);

  return {
    async handle(req) {
      try {
        return await routeApiGatewayRequest(core, req);
      } catch (err) {
        return apiGatewayError(err, req.requestId);
      }
    },
    async serveInvoke(apiId: string, call: HttpCall): Promise<HttpReply> {
      const http = store.httpApis.get(apiId);
      const rest = http ? undefined : store.restApis.get(apiId);
      if ((!http && !rest) || (http ?? rest)!.disableExecuteApiEndpoint) return notFoundReply();
      // HTTP APIs name a request with a short id (`apigw-requestid: JmR8Sj1PoAMEVxQ=`), REST APIs with a UUID.
      const result = http ? await serveHttpApi(core, http, { ...call, requestId: httpApiRequestId() }) : await serveRestApi(core, rest!, call);
      if (result.accessLog) {
        try {
          await writeAccessLog(ctx, result.accessLog.settings, result.accessLog.stream, result.accessLog.vars);
        } catch (err) {
          ctx.options.log(`apigateway: access log for ${apiId} not written: ${(err as Error).message}`);
        }
      }
      return result.reply;
    },
    stats: () => ({ httpApis: store.httpApis.size, restApis: store.restApis.size, ...store.stats, limits: LIMITS }),
    async save() {
      if (stateDir) await saveApiGatewayState(store, stateDir);
    },
  };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 15 letters and digits and `=`, the shape of an HTTP API's request id. */
function httpApiRequestId(): string {
  return [...randomBytes(15)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('') + '=';
}
