import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { NotificationConfiguration, S3Client } from '@aws-sdk/client-s3';
import type { NotificationRule } from '../../stack/model.js';
import { awsErrorCode } from './errors.js';
import { destinationOfArn } from './arns.js';

const s3Module = () => import('@aws-sdk/client-s3');

/** S3 says "no such bucket" as NoSuchBucket (GET) or a bare 404 NotFound (HEAD, which has no body). */
export function isNoSuchBucket(err: unknown): boolean {
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return code === 'NoSuchBucket' || code === 'NotFound' || status === 404;
}

export async function bucketExists(s3: S3Client, name: string): Promise<boolean> {
  const { HeadBucketCommand } = await s3Module();
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (err) {
    if (isNoSuchBucket(err)) return false;
    throw err;
  }
}

export async function createBucket(s3: S3Client, name: string, region: string): Promise<void> {
  const { CreateBucketCommand } = await s3Module();
  try {
    // us-east-1 is the one region that takes no LocationConstraint (S3 rejects it there).
    await s3.send(new CreateBucketCommand({ Bucket: name, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }));
  } catch (err) {
    if (awsErrorCode(err) !== 'BucketAlreadyOwnedByYou') throw err;
  }
}

/** Deletes every object (in DeleteObjects batches of S3's maximum, 1000), then the bucket. False when it did not exist. */
export async function deleteBucket(s3: S3Client, name: string): Promise<boolean> {
  const { DeleteBucketCommand } = await s3Module();
  try {
    await emptyBucket(s3, name);
    await s3.send(new DeleteBucketCommand({ Bucket: name }));
    return true;
  } catch (err) {
    if (isNoSuchBucket(err)) return false;
    throw err;
  }
}

export async function emptyBucket(s3: S3Client, name: string): Promise<number> {
  const { ListObjectsV2Command, DeleteObjectsCommand } = await s3Module();
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length) {
      const result = await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys, Quiet: true } }));
      const failed = result.Errors ?? [];
      if (failed.length) throw new Error(`could not delete ${failed.length} object(s) of ${name}, e.g. ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`);
      deleted += keys.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}

export interface ObjectSummary {
  /** Objects counted, at most `countLimit`. */
  count: number;
  /** More objects than were counted. */
  more: boolean;
  firstKeys: string[];
}

/** How many objects the bucket holds (counted up to `countLimit`) and its first keys in S3's (lexical) order. */
export async function summariseObjects(s3: S3Client, name: string, firstKeys: number, countLimit = 10_000): Promise<ObjectSummary> {
  const { ListObjectsV2Command } = await s3Module();
  let count = 0;
  const keys: string[] = [];
  let token: string | undefined;
  let more = false;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: name, ContinuationToken: token, MaxKeys: 1000 }));
    for (const o of page.Contents ?? []) {
      if (keys.length < firstKeys) keys.push(o.Key!);
      count++;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (token && count >= countLimit) {
      more = true;
      break;
    }
  } while (token);
  return { count, more, firstKeys: keys };
}

// The types seed folders and uploads usually hold; anything else is stored as S3's default, binary/octet-stream.
const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
};

export function contentTypeOf(file: string): string | undefined {
  return CONTENT_TYPES[extname(file).toLowerCase()];
}

export interface FileToUpload {
  /** Absolute path. */
  path: string;
  key: string;
  size: number;
}

/**
 * The files of `paths` with their object keys: a file becomes `<prefix><name>`, a folder's files
 * `<prefix><path inside the folder>` (with / separators). Dot files are skipped (.DS_Store, .gitkeep).
 */
export async function filesToUpload(paths: string[], prefix: string): Promise<FileToUpload[]> {
  const out: FileToUpload[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isFile()) {
      out.push({ path, key: prefix + path.split(sep).pop()!, size: info.size });
      continue;
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      const full = join(entry.parentPath, entry.name);
      const inside = relative(path, full).split(sep);
      if (inside.some((part) => part.startsWith('.'))) continue;
      out.push({ path: full, key: prefix + inside.join('/'), size: (await stat(full)).size });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Streams one file into an object (never read whole into memory). Returns its ETag. */
export async function putFile(s3: S3Client, bucket: string, file: FileToUpload, signal?: AbortSignal): Promise<string> {
  const { PutObjectCommand } = await s3Module();
  const type = contentTypeOf(file.path);
  const result = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: file.key, Body: createReadStream(file.path), ContentLength: file.size, ...(type ? { ContentType: type } : {}) }),
    { abortSignal: signal },
  );
  return result.ETag ?? '';
}

/** Uploads files a few at a time (S3 takes parallel puts; a local engine has two cores to share). */
export async function putFiles(s3: S3Client, bucket: string, files: FileToUpload[], options: { parallel?: number; signal?: AbortSignal; onDone?: (file: FileToUpload, etag: string) => void } = {}): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const etag = await putFile(s3, bucket, file, options.signal);
      options.onDone?.(file, etag);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 4, files.length) }, worker));
}

// ---- notifications ----

export async function readNotifications(s3: S3Client, bucket: string): Promise<NotificationRule[]> {
  const { GetBucketNotificationConfigurationCommand } = await s3Module();
  const c = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  const rules: NotificationRule[] = [];
  const filters = (f: { Key?: { FilterRules?: { Name?: string; Value?: string }[] } } | undefined) => {
    const of = (name: string) => f?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? '';
    return { prefix: of('prefix'), suffix: of('suffix') };
  };
  for (const l of c.LambdaFunctionConfigurations ?? []) {
    const d = destinationOfArn(l.LambdaFunctionArn ?? '');
    rules.push({ destination: d.kind === 'function' ? { kind: 'function', name: d.name } : { kind: 'other', name: l.LambdaFunctionArn ?? '' }, events: [...(l.Events ?? [])].sort(), ...filters(l.Filter) });
  }
  for (const q of c.QueueConfigurations ?? []) {
    const d = destinationOfArn(q.QueueArn ?? '');
    rules.push({ destination: d.kind === 'queue' ? { kind: 'queue', name: d.name } : { kind: 'other', name: q.QueueArn ?? '' }, events: [...(q.Events ?? [])].sort(), ...filters(q.Filter) });
  }
  if (c.EventBridgeConfiguration) rules.push({ destination: { kind: 'eventBridge', name: 'default' }, events: [], prefix: '', suffix: '' });
  return rules;
}

/** Replaces the bucket's whole notification configuration (S3 has no per-rule calls). `arnOf` resolves a function or queue name. */
export async function putNotifications(s3: S3Client, bucket: string, rules: NotificationRule[], arnOf: (rule: NotificationRule) => Promise<string>): Promise<void> {
  const { PutBucketNotificationConfigurationCommand } = await s3Module();
  const config: NotificationConfiguration = {};
  for (const [index, rule] of rules.entries()) {
    const filterRules = [
      ...(rule.prefix ? [{ Name: 'prefix' as const, Value: rule.prefix }] : []),
      ...(rule.suffix ? [{ Name: 'suffix' as const, Value: rule.suffix }] : []),
    ];
    const common = { Id: `evlab-${index + 1}`, Events: rule.events as never[], ...(filterRules.length ? { Filter: { Key: { FilterRules: filterRules } } } : {}) };
    if (rule.destination.kind === 'function') (config.LambdaFunctionConfigurations ??= []).push({ ...common, LambdaFunctionArn: await arnOf(rule) });
    else if (rule.destination.kind === 'queue') (config.QueueConfigurations ??= []).push({ ...common, QueueArn: await arnOf(rule) });
    else if (rule.destination.kind === 'eventBridge') config.EventBridgeConfiguration = {};
  }
  await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config }));
}
