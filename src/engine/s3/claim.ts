import type { IncomingMessage } from 'node:http';
import type { EngineContext } from '../types.js';

/**
 * The S3 route for an unsigned request no other service claimed: an anonymous GET (or presigned-less
 * PUT) of `/<bucket>/<key>` or `<bucket>.localhost/<key>` whose bucket exists. Only asked once S3 is
 * loaded: an engine without buckets has nothing to claim.
 */
export async function unsignedS3Route(ctx: EngineContext, req: IncomingMessage): Promise<{ service: 's3'; protocol: 'rest-xml' } | undefined> {
  if (!ctx.isLoaded('s3')) return undefined;
  // Unsigned form posts are SQS's query protocol (its Action is in the body), never S3.
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  const s3 = await ctx.service('s3');
  return s3.claimsUnsigned(req.url ?? '/', req.headers) ? { service: 's3', protocol: 'rest-xml' } : undefined;
}
