import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bucket, MultipartUpload, StoredObject, UploadPart } from './model.js';
import { EMPTY_NOTIFICATIONS } from './notification-config.js';
import type { S3Limits } from './limits.js';
import { S3Error, noSuchBucket } from './errors.js';

interface SavedState {
  version: 1;
  buckets: (Omit<Bucket, 'objects' | 'uploads'> & { objects: StoredObject[]; uploads: (Omit<MultipartUpload, 'parts'> & { parts: UploadPart[] })[] })[];
}

export interface StoreStats {
  buckets: number;
  objects: number;
  bytes: number;
  /** Uploads refused because a cap (bytes or objects) was reached. */
  refused: number;
  maxBytes: number;
  maxObjects: number;
}

/**
 * Buckets and object metadata in memory, object bytes in blob files: under the persist folder with
 * --persist (metadata saved at stop), otherwise in the engine's work folder, removed at stop.
 */
export class S3Store {
  readonly buckets = new Map<string, Bucket>();
  readonly blobDir: string;
  private bytes = 0;
  private objectCount = 0;
  private refused = 0;
  private readonly sortedKeys = new Map<string, string[]>();

  constructor(
    root: string,
    readonly limits: S3Limits,
    persisted: boolean,
  ) {
    this.blobDir = join(root, 'blobs');
    mkdirSync(this.blobDir, { recursive: true });
    if (persisted) this.restore(root);
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  createBucket(name: string, region: string): Bucket {
    const bucket: Bucket = { name, region, created: Date.now(), objects: new Map(), uploads: new Map(), notifications: EMPTY_NOTIFICATIONS };
    this.buckets.set(name, bucket);
    return bucket;
  }

  deleteBucket(name: string): void {
    const bucket = this.bucket(name);
    for (const upload of bucket.uploads.values()) this.dropUpload(bucket, upload.uploadId);
    this.buckets.delete(name);
    this.sortedKeys.delete(name);
  }

  /** A fresh blob file path; the caller writes it and then hands it to putObject / a part. */
  newBlob(): { name: string; path: string } {
    const name = randomUUID();
    return { name, path: join(this.blobDir, name) };
  }

  blobPath(name: string): string {
    return join(this.blobDir, name);
  }

  /** Bytes still allowed for one more upload (0 when the object cap is reached). */
  room(newObject: boolean): number {
    if (newObject && this.objectCount >= this.limits.maxObjects) return 0;
    return Math.max(0, this.limits.maxBytes - this.bytes);
  }

  refusal(): S3Error {
    this.refused++;
    return new S3Error(
      'EvlabStorageLimitExceeded',
      507,
      `The evlab engine's S3 store is full (${this.objectCount} objects, ${this.bytes} bytes; caps ${this.limits.maxObjects} objects, ${this.limits.maxBytes} bytes). Delete objects, or raise EVLAB_S3_MAX_BYTES / EVLAB_S3_MAX_OBJECTS for \`evlab up\`.`,
    );
  }

  putObject(bucket: Bucket, object: StoredObject): void {
    const previous = bucket.objects.get(object.key);
    if (previous) this.removeObject(bucket, previous);
    bucket.objects.set(object.key, object);
    this.bytes += object.size;
    this.objectCount++;
    this.sortedKeys.delete(bucket.name);
  }

  deleteObject(bucket: Bucket, key: string): boolean {
    const object = bucket.objects.get(key);
    if (!object) return false;
    this.removeObject(bucket, object);
    this.sortedKeys.delete(bucket.name);
    return true;
  }

  /**
   * Keys in order, cached until the bucket changes. S3 orders by UTF-8 bytes; JS string order (UTF-16
   * units) is the same except between U+E000–U+FFFF and characters beyond U+FFFF.
   */
  keys(bucket: Bucket): string[] {
    let keys = this.sortedKeys.get(bucket.name);
    if (!keys) {
      keys = [...bucket.objects.keys()].sort();
      this.sortedKeys.set(bucket.name, keys);
    }
    return keys;
  }

  addPart(upload: MultipartUpload, part: UploadPart): void {
    const previous = upload.parts.get(part.partNumber);
    if (previous) this.dropBlob(previous.blob, previous.size);
    upload.parts.set(part.partNumber, part);
    this.bytes += part.size;
  }

  /** Removes an upload and its parts' blobs (abort, or once completed). */
  dropUpload(bucket: Bucket, uploadId: string): void {
    const upload = bucket.uploads.get(uploadId);
    if (!upload) return;
    for (const part of upload.parts.values()) this.dropBlob(part.blob, part.size);
    bucket.uploads.delete(uploadId);
  }

  stats(): StoreStats {
    return { buckets: this.buckets.size, objects: this.objectCount, bytes: this.bytes, refused: this.refused, maxBytes: this.limits.maxBytes, maxObjects: this.limits.maxObjects };
  }

  async save(root: string): Promise<void> {
    const state: SavedState = {
      version: 1,
      buckets: [...this.buckets.values()].map((b) => ({
        ...b,
        objects: [...b.objects.values()],
        uploads: [...b.uploads.values()].map((u) => ({ ...u, parts: [...u.parts.values()] })),
      })),
    };
    const file = join(root, 'buckets.json');
    await writeFile(`${file}.tmp`, JSON.stringify(state));
    await rename(`${file}.tmp`, file);
  }

  private restore(root: string): void {
    const file = join(root, 'buckets.json');
    const referenced = new Set<string>();
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
      for (const saved of state.buckets) {
        const bucket = this.createBucket(saved.name, saved.region);
        bucket.created = saved.created;
        bucket.notifications = saved.notifications ?? EMPTY_NOTIFICATIONS;
        for (const object of saved.objects) {
          if (!existsSync(this.blobPath(object.blob))) continue; // its file was lost: the object is gone
          this.putObject(bucket, object);
          referenced.add(object.blob);
        }
        for (const upload of saved.uploads) {
          const restored: MultipartUpload = { ...upload, parts: new Map() };
          for (const part of upload.parts) {
            if (!existsSync(this.blobPath(part.blob))) continue;
            this.addPart(restored, part);
            referenced.add(part.blob);
          }
          bucket.uploads.set(upload.uploadId, restored);
        }
      }
    }
    // Blobs written after the last save (the engine was killed) belong to nothing.
    for (const name of readdirSync(this.blobDir)) if (!referenced.has(name)) rmSync(join(this.blobDir, name), { force: true });
  }

  private removeObject(bucket: Bucket, object: StoredObject): void {
    bucket.objects.delete(object.key);
    this.objectCount--;
    this.dropBlob(object.blob, object.size);
  }

  private dropBlob(name: string, size: number): void {
    this.bytes -= size;
    // A reader streaming this blob keeps its open file; the name goes now, the bytes when it closes.
    void rm(this.blobPath(name), { force: true });
  }
}
