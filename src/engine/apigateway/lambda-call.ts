import { performance } from 'node:perf_hooks';
import type { EngineContext } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';

/** Lambda's synchronous payload quota: a bigger event never reaches the function. */
const SYNC_EVENT_LIMIT = 6_291_456;

export type LambdaCallOutcome =
  | { kind: 'response'; payload: Buffer; functionStatus: 200 }
  /** The function ran and failed (an exception, a crash, or its own timeout). */
  | { kind: 'function-error'; message: string; functionTimedOut: boolean }
  /** The integration timeout passed before the function answered. */
  | { kind: 'integration-timeout'; message: string }
  /** Lambda refused the call: no such function, not Active, throttled, event too large. */
  | { kind: 'invoke-error'; message: string; tooLarge: boolean };

export interface LambdaCall {
  outcome: LambdaCallOutcome;
  latencyMs: number;
  lambdaRequestId: string;
}

/** Invokes synchronously, as API Gateway does; stops waiting (the function runs on) after timeoutMs. */
export async function callLambda(ctx: EngineContext, functionArn: string, event: unknown, timeoutMs: number, lambdaRequestId: string): Promise<LambdaCall> {
  const started = performance.now();
  const payload = Buffer.from(JSON.stringify(event), 'utf8');
  const done = (outcome: LambdaCallOutcome): LambdaCall => ({ outcome, latencyMs: Math.round(performance.now() - started), lambdaRequestId });
  if (payload.length > SYNC_EVENT_LIMIT) {
    return done({ kind: 'invoke-error', message: `Request must be smaller than ${SYNC_EVENT_LIMIT} bytes for the InvokeFunction operation`, tooLarge: true });
  }
  const lambda = await ctx.service('lambda');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<LambdaCallOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'integration-timeout', message: `Integration timeout of ${timeoutMs} ms exceeded` }), timeoutMs);
  });
  const invocation = lambda.invokeSync(functionArn, payload, lambdaRequestId).then(
    (result): LambdaCallOutcome =>
      result.error
        ? { kind: 'function-error', message: `${result.error.type}: ${result.error.message}`, functionTimedOut: result.error.type === 'Sandbox.Timedout' }
        : { kind: 'response', payload: result.payload, functionStatus: 200 },
    (err: unknown): LambdaCallOutcome => ({
      kind: 'invoke-error',
      message: err instanceof AwsError ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err),
      tooLarge: err instanceof AwsError && err.status === 413,
    }),
  );
  try {
    return done(await Promise.race([invocation, timeout]));
  } finally {
    clearTimeout(timer);
  }
}
