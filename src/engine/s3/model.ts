import type { NotificationConfig } from './notification-config.js';

/** One stored object: its bytes live in a blob file, everything else here. */
export interface StoredObject {
  key: string;
  size: number;
  /** Without quotes: md5 hex, or `md5-of-part-md5s-N` for a multipart upload. */
  etag: string;
  lastModified: number;
  contentType: string;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires as given at upload. */
  headers: Record<string, string>;
  /** x-amz-meta-* without the prefix, names lower-cased (as AWS returns them over HTTP). */
  metadata: Record<string, string>;
  /** File name in the blob folder. */
  blob: string;
}

export interface UploadPart {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: number;
  blob: string;
}

export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiated: number;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  parts: Map<number, UploadPart>;
}

export interface Bucket {
  name: string;
  region: string;
  created: number;
  objects: Map<string, StoredObject>;
  uploads: Map<string, MultipartUpload>;
  notifications: NotificationConfig;
}

/** Object headers S3 stores and returns as given. */
export const STORED_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'content-language', 'expires'] as const;
