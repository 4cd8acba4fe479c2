import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { settleCreate } from './api/functions.js';
import { settle as settleMapping } from './api/event-source-mappings.js';
import { functionCodeRoot, storeCode } from './code.js';
import type { LambdaCore } from './core.js';
import type { EventSourceMapping, FunctionAlias, LambdaFunction } from './model.js';
import { publishedOf } from './versions.js';

const STATE_FILE = 'state.json';

interface SavedFunction extends Omit<LambdaFunction, 'code' | 'state' | 'stateReason' | 'stateReasonCode' | 'lastUpdateStatus' | 'lastUpdateStatusReason' | 'lastUpdateStatusReasonCode' | 'generation' | 'published'> {
  code: { sha256Hex: string };
  /** Published versions (each its own configuration and zip) and aliases. */
  versions?: SavedVersion[];
  aliases?: FunctionAlias[];
  lastVersion?: number;
  publishedFrom?: string;
}

type SavedVersion = Pick<LambdaFunction, 'version' | 'arn' | 'settings' | 'revisionId' | 'lastModified' | 'policy' | 'eventInvokeConfig'> & { code: { sha256Hex: string } };

interface SavedState {
  version: 1;
  functions: SavedFunction[];
  mappings: EventSourceMapping[];
}

/**
 * With --persist: functions (configuration, policy, tags, event invoke config and the zip as uploaded)
 * and event source mappings. Asynchronous invocations waiting for a retry are not kept.
 */
export async function saveLambdaState(core: LambdaCore, dir: string): Promise<void> {
  const functions = core.store.all();
  if (functions.length === 0 && core.store.mappings.size === 0 && !existsSync(join(dir, STATE_FILE))) return;
  await mkdir(dir, { recursive: true });
  const codeRoot = join(dir, 'code');
  const keep = new Set<string>();
  for (const fn of functions) {
    // $LATEST's zip and each published version's (often the same file).
    for (const code of [fn.code, ...[...(fn.published?.versions.values() ?? [])].map((v) => v.code)]) {
      const target = join(codeRoot, fn.region, fn.name, `${code.sha256Hex}.zip`);
      keep.add(target);
      await mkdir(join(codeRoot, fn.region, fn.name), { recursive: true });
      if (!existsSync(target)) await copyFile(code.zipPath, target);
    }
  }
  await pruneZips(codeRoot, keep);
  const state: SavedState = {
    version: 1,
    functions: functions.map((fn) => ({
      region: fn.region,
      name: fn.name,
      arn: fn.arn,
      settings: fn.settings,
      code: { sha256Hex: fn.code.sha256Hex },
      revisionId: fn.revisionId,
      lastModified: fn.lastModified,
      tags: fn.tags,
      policy: fn.policy,
      eventInvokeConfig: fn.eventInvokeConfig,
      reservedConcurrency: fn.reservedConcurrency,
      functionUrl: fn.functionUrl,
      ...(fn.published ? savedVersions(fn) : {}),
    })),
    mappings: [...core.store.mappings.values()].map((m) => ({ ...m, state: m.enabled ? 'Enabled' : 'Disabled' })),
  };
  await writeFile(join(dir, STATE_FILE), JSON.stringify(state, null, 2));
}

/** Functions come back Pending while their code is unpacked again, then Active; mappings resume polling. */
export function restoreLambdaState(core: LambdaCore, dir: string): void {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return;
  let state: SavedState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  } catch (err) {
    core.ctx.options.log(`lambda: could not read saved state ${file}: ${(err as Error).message}`);
    return;
  }
  for (const { versions, aliases, lastVersion, publishedFrom, ...saved } of state.functions ?? []) {
    const zipFile = join(dir, 'code', saved.region, saved.name, `${saved.code.sha256Hex}.zip`);
    const fn: LambdaFunction = {
      ...saved,
      code: { sha256: '', sha256Hex: saved.code.sha256Hex, size: 0, zipPath: zipFile, dir: '' },
      state: 'Pending',
      stateReason: 'The function is being created.',
      stateReasonCode: 'Creating',
      generation: 1,
    };
    core.store.add(fn);
    if (versions || aliases) restoreVersions(core, dir, fn, { versions: versions ?? [], aliases: aliases ?? [], lastVersion: lastVersion ?? 0, publishedFrom });
    void readFile(zipFile)
      .then((zip) => storeCode(functionCodeRoot(core.ctx.options.workDir, fn.region, fn.name), zip))
      .then((code) => {
        fn.code = code;
        settleCreate(core, fn);
      })
      .catch((err) => {
        fn.state = 'Failed';
        fn.stateReason = `The saved code could not be restored: ${(err as Error).message}`;
        fn.stateReasonCode = 'InvalidZipFileException';
        core.store.notifySettled(fn);
      });
  }
  for (const mapping of state.mappings ?? []) {
    core.store.mappings.set(mapping.uuid, mapping);
    settleMapping(core, mapping);
  }
}

function savedVersions(fn: LambdaFunction): Pick<SavedFunction, 'versions' | 'aliases' | 'lastVersion' | 'publishedFrom'> {
  const published = fn.published!;
  return {
    versions: [...published.versions.values()].map((v) => ({
      version: v.version,
      arn: v.arn,
      settings: v.settings,
      code: { sha256Hex: v.code.sha256Hex },
      revisionId: v.revisionId,
      lastModified: v.lastModified,
      policy: v.policy,
      eventInvokeConfig: v.eventInvokeConfig,
    })),
    aliases: [...published.aliases.values()],
    lastVersion: published.lastVersion,
    publishedFrom: published.publishedFrom,
  };
}

/** Versions come back Pending too, each once its own zip is unpacked again; aliases at once. */
function restoreVersions(core: LambdaCore, dir: string, fn: LambdaFunction, saved: { versions: SavedVersion[]; aliases: FunctionAlias[]; lastVersion: number; publishedFrom?: string }): void {
  const published = publishedOf(fn);
  published.lastVersion = saved.lastVersion;
  published.publishedFrom = saved.publishedFrom;
  for (const alias of saved.aliases) published.aliases.set(alias.name, alias);
  for (const v of saved.versions) {
    const version: LambdaFunction = {
      ...fn,
      ...v,
      code: { sha256: '', sha256Hex: v.code.sha256Hex, size: 0, zipPath: '', dir: '' },
      state: 'Pending',
      stateReason: 'The function is being created.',
      stateReasonCode: 'Creating',
      generation: 1,
      published: undefined,
    };
    published.versions.set(v.version!, version);
    void readFile(join(dir, 'code', fn.region, fn.name, `${v.code.sha256Hex}.zip`))
      .then((zip) => storeCode(functionCodeRoot(core.ctx.options.workDir, fn.region, fn.name), zip))
      .then((code) => {
        version.code = code;
        version.state = 'Active';
        version.stateReason = undefined;
        version.stateReasonCode = undefined;
        version.lastUpdateStatus = 'Successful';
      })
      .catch((err) => {
        version.state = 'Failed';
        version.stateReason = `The saved code could not be restored: ${(err as Error).message}`;
        version.stateReasonCode = 'InvalidZipFileException';
      });
  }
}

async function pruneZips(codeRoot: string, keep: Set<string>): Promise<void> {
  if (!existsSync(codeRoot)) return;
  for (const region of await readdir(codeRoot)) {
    for (const name of await readdir(join(codeRoot, region))) {
      const folder = join(codeRoot, region, name);
      const files = await readdir(folder);
      const stale = files.filter((f) => !keep.has(join(folder, f)));
      await Promise.all(stale.map((f) => rm(join(folder, f), { force: true })));
      if (stale.length === files.length) await rm(folder, { recursive: true, force: true });
    }
  }
}
