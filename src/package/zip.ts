import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Archiver } from 'archiver';
import type { SourceFile } from './collect-files.js';

/** Every entry gets this timestamp (the earliest a zip can store), so the archive depends on content only. */
export const ZIP_ENTRY_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));
const FILE_MODE = 0o644;
const EXECUTABLE_MODE = 0o755;

/**
 * Zips files deterministically: entries in the given (sorted) order, fixed timestamps and permissions
 * (only the executable bit is kept: `bootstrap` and scripts must stay runnable), no directory entries.
 * The same content always gives the same bytes, hence the same CodeSha256.
 */
export async function createDeterministicZip(files: readonly Pick<SourceFile, 'name' | 'path' | 'executable'>[]): Promise<Buffer> {
  const archive = (await loadArchiver())('zip', { zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  // append() queues entries in call order. (archiver's file() stats files concurrently and queues them
  // in the order the stats finish, which made the entry order, and so the CodeSha256, vary between runs.)
  for (const file of files) {
    archive.append(lazyFileStream(file.path), { name: file.name, date: ZIP_ENTRY_DATE, mode: file.executable ? EXECUTABLE_MODE : FILE_MODE });
  }
  await archive.finalize();
  return done;
}

/** The CodeSha256 Lambda reports: the base64 SHA-256 of the zip. */
export function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64');
}

/**
 * archiver 7 is a CommonJS function (`archiver(format, options)`); the installed @types/archiver describes
 * version 8's classes, so the factory is typed here. Loaded on first use: a setup whose zips come from the
 * build cache never loads it.
 */
type ArchiverFactory = (format: 'zip', options: { zlib: { level: number } }) => Archiver;
async function loadArchiver(): Promise<ArchiverFactory> {
  const module = (await import('archiver')) as unknown as { default: ArchiverFactory };
  return module.default;
}

/** A stream that opens its file only when first read: archiver reads entries one at a time, so a big
 * node_modules never holds thousands of descriptors open. */
function lazyFileStream(path: string): Readable {
  let inner: ReadStream | undefined;
  const outer: Readable = new Readable({
    read() {
      if (inner) {
        inner.resume();
        return;
      }
      inner = createReadStream(path);
      inner.on('data', (chunk) => {
        if (!outer.push(chunk)) inner!.pause();
      });
      inner.on('end', () => outer.push(null));
      inner.on('error', (err) => outer.destroy(err));
    },
    destroy(err, callback) {
      inner?.destroy();
      callback(err);
    },
  });
  return outer;
}
