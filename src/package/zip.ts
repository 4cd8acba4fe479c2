import { createHash } from 'node:crypto';
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
  for (const file of files) {
    archive.file(file.path, { name: file.name, date: ZIP_ENTRY_DATE, mode: file.executable ? EXECUTABLE_MODE : FILE_MODE });
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
