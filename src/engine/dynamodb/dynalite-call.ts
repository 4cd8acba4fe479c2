import { Readable } from 'node:stream';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** dynalite's request listener: it reads `req` (headers, method, url, 'data'/'end') and answers on `res`. */
export type DynaliteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface DynaliteReply {
  status: number;
  body: Record<string, any>;
}

/**
 * A request dynalite can read, made from a body the engine has already read. Besides letting the engine look at a
 * request before dynalite does, it removes a dynalite defect: its `req.on('error')` rethrows (an aborted upload would
 * kill the engine), and a stream over a buffer never errors.
 */
export function replayRequest(headers: IncomingHttpHeaders, method: string, url: string, body: Buffer): IncomingMessage {
  const req = Readable.from(body.length ? [body] : []) as unknown as IncomingMessage;
  Object.assign(req, { headers, method, url });
  return req;
}

// dynalite checks that a request is signed (it does not verify the signature): internal calls carry a dummy one.
const INTERNAL_HEADERS = {
  'content-type': 'application/x-amz-json-1.0',
  authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20240101T000000Z',
};

/**
 * One DynamoDB operation answered by dynalite in this process (no HTTP, no locks): for the engine's own reads and
 * writes inside transactions and response fixes, which must not queue behind the locks the caller holds.
 */
export function callDynalite(handler: DynaliteHandler, operation: string, input: unknown): Promise<DynaliteReply> {
  return new Promise((resolve, reject) => {
    const req = replayRequest({ ...INTERNAL_HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` }, 'POST', '/', Buffer.from(JSON.stringify(input)));
    const res = {
      statusCode: 200,
      setHeader: () => undefined,
      end(text?: string | Buffer) {
        try {
          resolve({ status: this.statusCode, body: text && text.length ? JSON.parse(text.toString()) : {} });
        } catch (err) {
          reject(err);
        }
      },
    };
    handler(req, res as unknown as ServerResponse);
  });
}

/** The error dynalite answered, if any: the code after '#' in its __type, and its message (either case). */
export function errorOf(reply: DynaliteReply): { code: string; message: string } | undefined {
  if (reply.status === 200) return undefined;
  const type = String(reply.body.__type ?? 'InternalServerError');
  return { code: type.slice(type.indexOf('#') + 1), message: String(reply.body.message ?? reply.body.Message ?? '') };
}
