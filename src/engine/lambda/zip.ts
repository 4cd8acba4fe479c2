import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import { invalidParameter } from './errors.js';
import { commonJsExports } from '../../cjs-interop.js';

/** Lambda's limit on a function's unzipped code (250 MB). */
export const UNZIPPED_LIMIT_BYTES = 262_144_000;

const UNZIP_FAILED = 'Could not unzip uploaded file. Please check your file, then try to upload again.';
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/**
 * Unpacks a function's zip into `target` (which must not exist yet). Refuses what could write outside
 * it — absolute paths, `..` segments, symlinks pointing out — and stops at Lambda's unzipped size limit.
 * Unix permission bits are kept (a provided runtime's `bootstrap` must be executable, as on AWS).
 */
export async function unzipTo(zip: Buffer, target: string, limit = UNZIPPED_LIMIT_BYTES): Promise<void> {
  const yauzl = commonJsExports(await import('yauzl'));
  const zipfile = await new Promise<ZipFile>((resolveOpen, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, decodeStrings: true }, (err, file) => {
      if (err || !file) reject(invalidParameter(UNZIP_FAILED));
      else resolveOpen(file);
    });
  });
  const root = resolve(target);
  await mkdir(root, { recursive: true });
  let total = 0;
  const counter = () =>
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        total += chunk.length;
        if (total > limit) done(invalidParameter(`Unzipped size must be smaller than ${limit} bytes`));
        else done(null, chunk);
      },
    });

  const handleEntry = async (entry: Entry): Promise<void> => {
    const name = entry.fileName.replace(/\\/g, '/');
    const dest = safeJoin(root, name);
    const mode = unixMode(entry);
    const type = mode === undefined ? undefined : mode & S_IFMT;
    if (name.endsWith('/') || type === S_IFDIR) {
      await mkdir(dest, { recursive: true });
      return;
    }
    if (entry.uncompressedSize + total > limit) throw invalidParameter(`Unzipped size must be smaller than ${limit} bytes`);
    await mkdir(dirname(dest), { recursive: true });
    const stream = await openEntry(zipfile, entry);
    if (type === S_IFLNK) {
      const chunks: Buffer[] = [];
      await pipeline(stream, counter(), async function* (source) {
        for await (const chunk of source) chunks.push(chunk as Buffer);
      });
      const linkTarget = Buffer.concat(chunks).toString('utf8');
      const resolved = resolve(dirname(dest), linkTarget);
      if (isAbsolute(linkTarget) || !isInside(root, resolved)) throw invalidParameter(UNZIP_FAILED);
      await symlink(linkTarget, dest);
      return;
    }
    await pipeline(stream, counter(), createWriteStream(dest, { flags: 'wx' }));
    // Zips from other systems carry no permissions: readable files, and an executable bootstrap.
    const perms = mode !== undefined && (mode & 0o777) !== 0 ? (mode & 0o777) | 0o400 : name === 'bootstrap' ? 0o755 : 0o644;
    await chmod(dest, perms);
  };

  try {
    await new Promise<void>((resolveAll, reject) => {
      zipfile.on('error', () => reject(invalidParameter(UNZIP_FAILED)));
      zipfile.on('end', () => resolveAll());
      zipfile.on('entry', (entry: Entry) => {
        handleEntry(entry).then(
          () => zipfile.readEntry(),
          (err) => reject(err),
        );
      });
      zipfile.readEntry();
    });
  } catch (err) {
    throw err instanceof Error && err.name === 'InvalidParameterValueException' ? err : invalidParameter(UNZIP_FAILED);
  } finally {
    try {
      zipfile.close();
    } catch {
      // already closed
    }
  }
}

function openEntry(zipfile: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolveStream, reject) => {
    zipfile.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(invalidParameter(UNZIP_FAILED));
      else resolveStream(stream);
    });
  });
}

function unixMode(entry: Entry): number | undefined {
  // The high 16 bits of the external attributes are st_mode when the zip was made on Unix (host 3).
  if (entry.versionMadeBy >> 8 !== 3) return undefined;
  const mode = entry.externalFileAttributes >>> 16;
  return mode === 0 ? undefined : mode;
}

function safeJoin(root: string, name: string): string {
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..')) throw invalidParameter(UNZIP_FAILED);
  const dest = resolve(root, normalize(name));
  if (!isInside(root, dest)) throw invalidParameter(UNZIP_FAILED);
  return dest;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}
