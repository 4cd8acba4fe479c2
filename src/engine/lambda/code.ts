import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsError } from '../protocol/aws-error.js';
import { invalidParameter } from './errors.js';
import type { FunctionCode } from './model.js';
import { unzipTo } from './zip.js';

/** Lambda's limit on a zip uploaded in the request (50 MB). */
export const ZIPPED_LIMIT_BYTES = 52_428_800;

const unpacking = new Map<string, Promise<void>>();

/** The folder for one function's code versions: `<workDir>/lambda/functions/<region>/<name>`. */
export function functionCodeRoot(workDir: string, region: string, name: string): string {
  return join(workDir, 'lambda', 'functions', region, name);
}

/** Reads Code.ZipFile / ZipFile (base64 in the JSON body). S3 locations need S3, which the engine does not have. */
export function zipFromRequest(code: Record<string, unknown> | undefined): Buffer {
  if (code && typeof code.ZipFile === 'string' && code.ZipFile.length > 0) {
    const zip = Buffer.from(code.ZipFile, 'base64');
    if (zip.length > ZIPPED_LIMIT_BYTES) {
      throw new AwsError('RequestEntityTooLargeException', 413, `Zipped size must be smaller than ${ZIPPED_LIMIT_BYTES} bytes`);
    }
    return zip;
  }
  if (code && (code.S3Bucket !== undefined || code.S3Key !== undefined)) {
    throw invalidParameter(`Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist (the evlab engine has no S3: upload the code as ZipFile)`);
  }
  if (code && code.ImageUri !== undefined) {
    throw invalidParameter('The evlab engine runs zip functions only; container images are not supported.');
  }
  throw invalidParameter(`Please provide a source for function code.`);
}

/**
 * Validates and unpacks a zip under `root/<sha256 hex>` (reused when the same code comes again) and
 * keeps the zip beside it for GetFunction's download link and for --persist.
 */
export async function storeCode(root: string, zip: Buffer): Promise<FunctionCode> {
  const digest = createHash('sha256').update(zip).digest();
  const sha256Hex = digest.toString('hex');
  const dir = join(root, sha256Hex);
  const zipPath = `${dir}.zip`;
  let pending = unpacking.get(dir);
  if (!pending) {
    pending = (async () => {
      if (await exists(dir)) return;
      await mkdir(root, { recursive: true });
      const scratch = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await unzipTo(zip, scratch);
        await writeFile(zipPath, zip);
        await rename(scratch, dir);
      } catch (err) {
        await rm(scratch, { recursive: true, force: true });
        throw err;
      }
    })().finally(() => unpacking.delete(dir));
    unpacking.set(dir, pending);
  }
  await pending;
  return { sha256: digest.toString('base64'), sha256Hex, size: zip.length, zipPath, dir };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
