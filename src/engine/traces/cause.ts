import { randomBytes } from 'node:crypto';
import type { TraceKind, TraceRecorder, TraceStep } from './types.js';

/**
 * Parent links between traces, the way AWS carries them: for every invocation the Lambda runtime hands the
 * function an X-Ray trace header (`Lambda-Runtime-Trace-Id` → `_X_AMZN_TRACE_ID`), and the AWS SDKs send it back
 * as `X-Amzn-Trace-Id` on every call the function makes (SDK v3's recursion-detection middleware and botocore's
 * add_recursion_detection_header, both only when AWS_LAMBDA_FUNCTION_NAME is set). The engine indexes each Root it
 * hands out under the invocation's trace, so a SendMessage, PutEvents, PutObject or asynchronous Invoke that
 * carries it starts a child trace of that invocation.
 */

/** The invocation a call came from: its trace and its request id. */
export interface TraceCause {
  traceId: string;
  requestId: string;
}

/** A new header for one invocation: `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0`, and its Root. */
export function newTraceHeader(): { header: string; root: string } {
  const epoch = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  const root = `1-${epoch}-${randomBytes(12).toString('hex')}`;
  return { header: `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=0`, root };
}

/** The Root of an X-Amzn-Trace-Id header; undefined when there is none. */
export function traceRootOf(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  // botocore percent-encodes what it does not consider safe; the Root itself is plain.
  const match = /(?:^|;)\s*Root=([0-9a-fA-F-]+)/.exec(text);
  return match?.[1];
}

/** The traced invocation an incoming X-Amzn-Trace-Id header names, if the ring still holds it. */
export function causeOf(traces: TraceRecorder, header: string | string[] | undefined): TraceCause | undefined {
  const root = traceRootOf(header);
  return root ? traces.invocationOf(root) : undefined;
}

/**
 * Starts the trace `id` as a child of `cause` (or as a trace of its own without one) and notes the child on the
 * parent with a 'caused' step under the invocation (`requestId`).
 */
export function startCaused(
  traces: TraceRecorder,
  cause: TraceCause | undefined,
  id: string,
  kind: TraceKind,
  step: Omit<TraceStep, 'at'>,
): void {
  traces.start(id, { kind, parent: cause?.traceId, causedBy: cause?.requestId }, step);
  if (cause) noteCaused(traces, cause, id, kind, String(step.service));
}

/** The 'caused' step on the parent, for a child trace already started with that parent. */
export function noteCaused(traces: TraceRecorder, cause: TraceCause, childId: string, kind: TraceKind, service: string): void {
  traces.caused(cause.traceId, childId, { type: 'caused', service, requestId: cause.requestId, childKind: kind, child: childId, ok: true });
}
