import type { EngineContext } from '../types.js';
import type { HttpCall, HttpReply } from './http-call.js';
import type { LambdaCall } from './lambda-call.js';
import type { Front, MappedOutcome } from './outcome.js';

/** What the request step says about where the request went. */
export interface ApiRequestInfo {
  front: Front;
  /** The API id (or the function URL's id). */
  api: string;
  apiName?: string;
  stage?: string;
  /** The route key (HTTP API), resource path (REST API) or `$default` (function URL); undefined when none matched. */
  routeKey?: string;
}

/**
 * The trace of one request to an invoke URL (kind 'api'), rooted at the API's request id: the one in the event's
 * requestContext.requestId and in the apigw-requestid / x-amzn-RequestId response header. Steps: api-request
 * (method, path, route), api-integration (the Lambda call), api-response (the status; 5xx ends it failed).
 */
export class ApiRequestTrace {
  private started = false;
  private readonly service: string;

  constructor(
    private readonly ctx: EngineContext,
    private readonly call: HttpCall,
    private readonly info: ApiRequestInfo,
  ) {
    this.service = info.front === 'url' ? 'lambda' : 'apigateway';
  }

  /** The route is known (or known to be missing): the trace starts. */
  request(routeKey: string | undefined): void {
    if (this.started) return;
    this.started = true;
    this.info.routeKey = routeKey;
    const { front, api, apiName, stage } = this.info;
    this.ctx.traces.start(this.call.requestId, { kind: 'api' }, {
      type: 'api-request',
      service: this.service,
      front,
      api,
      apiName,
      stage,
      method: this.call.method,
      path: this.call.rawPath,
      routeKey,
      requestId: this.call.requestId,
    });
  }

  /** Before the Lambda call: its request id joins the trace, so what the function sends finds it as parent. */
  invoking(lambdaRequestId: string): void {
    this.request(this.info.routeKey);
    if (lambdaRequestId !== this.call.requestId) this.ctx.traces.link(lambdaRequestId, this.call.requestId);
  }

  integrated(functionName: string, result: LambdaCall, mapped: MappedOutcome): void {
    const { outcome } = result;
    const ok = outcome.kind === 'response' && !mapped.integrationError;
    this.ctx.traces.record(this.call.requestId, {
      type: 'api-integration',
      service: this.service,
      function: functionName,
      requestId: result.lambdaRequestId,
      durationMs: result.latencyMs,
      outcome: outcome.kind === 'response' && mapped.integrationError ? 'malformed-response' : outcome.kind,
      ok,
      error: ok ? undefined : mapped.integrationError,
    });
  }

  /** The ending: the status the client got. */
  respond(reply: HttpReply, error?: string): void {
    this.request(this.info.routeKey);
    this.ctx.traces.record(this.call.requestId, { type: 'api-response', service: this.service, status: reply.status, ok: reply.status < 500, error });
  }
}

/** The function's name in a Lambda ARN (or the name itself). */
export function functionNameOf(functionArn: string): string {
  const parts = functionArn.split(':');
  return parts.length >= 7 ? parts[6] : functionArn;
}
