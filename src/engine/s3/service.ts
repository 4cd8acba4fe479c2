import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { EngineContext, EngineRequest, ServiceMap } from '../types.js';
import { bucketFromHost, firstPathSegment, isS3Host, s3Address } from './addressing.js';
import type { S3Call, S3Reply, S3Service } from './call.js';
import { selectOperation } from './dispatch.js';
import { S3Error } from './errors.js';
import { limitsFromEnv } from './limits.js';
import { Notifier, hostId } from './notify.js';
import { S3Store } from './store.js';
import { xmlErrorDocument } from './xml.js';


/**
 * S3 on the engine port (REST-XML, path and virtual-hosted style). The service reads the raw request
 * stream itself, so uploads go to disk as they arrive instead of being buffered.
 */
export function createS3Service(ctx: EngineContext): ServiceMap['s3'] {
  const stateDir = ctx.stateDir('s3');
  const root = stateDir ?? join(ctx.options.workDir, 's3');
  const store = new S3Store(root, limitsFromEnv(), stateDir !== undefined);
  const notifier = new Notifier(ctx);
  const s3: S3Service = { ctx, store, notifier };

  return {
    async handle(req: EngineRequest) {
      await answer(s3, req);
      return null;
    },
    claimsUnsigned(rawUrl, headers) {
      // S3's own LocalStack names are S3's whether or not the bucket exists (so a missing one is NoSuchBucket).
      if (isS3Host(headers)) return true;
      const bucket = bucketFromHost(headers) ?? firstPathSegment(rawUrl);
      return bucket !== undefined && store.buckets.has(bucket);
    },
    async save() {
      if (stateDir) await store.save(stateDir);
    },
    stats() {
      return { ...store.stats(), notifications: { ...notifier.stats } };
    },
  };
}

async function answer(s3: S3Service, req: EngineRequest): Promise<void> {
  const raw = req.raw;
  const rawUrl = raw.url ?? '/';
  const call: S3Call = {
    req: raw,
    res: req.rawRes,
    method: req.method,
    address: s3Address(rawUrl, raw.headers),
    query: req.query,
    region: req.region,
    requestId: req.requestId,
    sourceIp: raw.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
  };
  let reply: S3Reply | null;
  try {
    const { run } = selectOperation(call);
    reply = await run(s3, call);
  } catch (err) {
    if (!(err instanceof S3Error)) {
      // The client went away mid-request (an aborted upload): its partial blob is gone, nobody to answer.
      if (call.res.headersSent || call.res.destroyed || raw.destroyed) return;
      s3.ctx.options.log(`engine: S3 ${req.method} ${rawUrl} failed: ${(err as Error)?.stack ?? err}`);
    }
    reply = errorReply(err, call, rawUrl);
    // A refused upload's remaining body is not worth reading: answer and let the socket go.
    if (!raw.complete) reply.headers = { ...reply.headers, connection: 'close' };
  }
  if (reply) send(call.res, reply, call);
}

function errorReply(err: unknown, call: S3Call, rawUrl: string): S3Reply {
  const e = err instanceof S3Error ? err : new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
  const resource = rawUrl.split('?')[0];
  return {
    status: e.status,
    headers: { 'content-type': 'application/xml' },
    body: xmlErrorDocument({ Code: e.code, Message: e.message, ...e.extra, Resource: resource, RequestId: call.requestId, HostId: hostId() }),
  };
}

function send(res: ServerResponse, reply: S3Reply, call: S3Call): void {
  if (res.headersSent || res.destroyed) return;
  // HEAD answers carry no body (an error's code then travels in the status alone, as with S3).
  const body = call.method === 'HEAD' ? '' : (reply.body ?? '');
  res.writeHead(reply.status, {
    'x-amz-request-id': call.requestId,
    'x-amz-id-2': hostId(),
    'content-length': String(Buffer.byteLength(body)),
    ...reply.headers,
  });
  res.end(body);
}
