/**
 * How much the S3 store may hold. Beyond a cap, uploads are refused (and counted in the engine's
 * health `stores.s3.refused`) rather than letting a runaway loop fill the disk.
 * EVLAB_S3_MAX_BYTES / EVLAB_S3_MAX_OBJECTS override the defaults.
 */
export interface S3Limits {
  maxBytes: number;
  maxObjects: number;
}

export const DEFAULT_S3_LIMITS: S3Limits = { maxBytes: 10 * 1024 ** 3, maxObjects: 100_000 };

/** AWS's limit for one PUT (a single part or a whole object sent in one request). */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
/** AWS's minimum part size for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Limits {
  return {
    maxBytes: positive(env.EVLAB_S3_MAX_BYTES) ?? DEFAULT_S3_LIMITS.maxBytes,
    maxObjects: positive(env.EVLAB_S3_MAX_OBJECTS) ?? DEFAULT_S3_LIMITS.maxObjects,
  };
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}
