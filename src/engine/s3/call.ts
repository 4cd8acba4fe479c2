import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineContext } from '../types.js';
import type { S3Address } from './addressing.js';
import type { Notifier } from './notify.js';
import type { S3Store } from './store.js';

/** The S3 service's shared state. */
export interface S3Service {
  ctx: EngineContext;
  store: S3Store;
  notifier: Notifier;
}

/** One request as the operations see it. */
export interface S3Call {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  address: S3Address;
  query: URLSearchParams;
  region: string;
  requestId: string;
  /** For event records' sourceIPAddress. */
  sourceIp: string;
}

/** A buffered answer; operations that stream (GetObject) write `res` themselves and return null. */
export interface S3Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export const xmlReply = (body: string, status = 200, headers: Record<string, string> = {}): S3Reply => ({
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  body,
});

export const emptyReply = (status = 200, headers: Record<string, string> = {}): S3Reply => ({ status, headers });

/** ISO 8601 with milliseconds, as S3 writes timestamps in XML. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** RFC 7231 date, as S3 writes Last-Modified. */
export const httpDate = (ms: number) => new Date(ms).toUTCString();

export const quoteEtag = (etag: string) => `"${etag}"`;
