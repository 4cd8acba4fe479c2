import type { IncomingHttpHeaders } from 'node:http';
import { STORED_HEADERS, type StoredObject } from './model.js';
import { httpDate, quoteEtag } from './call.js';

/** S3's default when an upload names no Content-Type. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** Content-Type, the stored standard headers and x-amz-meta-* of an upload request. */
export function objectHeadersFrom(headers: IncomingHttpHeaders): Pick<StoredObject, 'contentType' | 'headers' | 'metadata'> {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let value = headers[name];
    if (typeof value !== 'string') continue;
    // aws-chunked is the transfer framing, not the object's encoding (AWS drops it too).
    if (name === 'content-encoding') value = value.split(',').map((v) => v.trim()).filter((v) => v && v !== 'aws-chunked').join(', ');
    if (value) stored[name] = value;
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return { contentType: typeof headers['content-type'] === 'string' ? headers['content-type'] : DEFAULT_CONTENT_TYPE, headers: stored, metadata };
}

// Presigned and SDK GetObject calls may override response headers with response-* query parameters.
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** The headers GetObject and HeadObject answer with (length and range are the caller's). */
export function objectResponseHeaders(object: StoredObject, query: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: quoteEtag(object.etag),
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query.get(param);
    if (value !== null) headers[header] = value;
  }
  return headers;
}
