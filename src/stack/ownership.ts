import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Change, ResourceRef } from './model.js';

/**
 * What evlab created at each endpoint, recorded in the project's .evlab/owned.json. Setup changes or deletes a
 * resource of the stack's names only when evlab put it there; one it finds that someone else made (with the aws
 * CLI, by hand) is shown as "adopt" and is changed only with --adopt or a yes on a terminal.
 *
 * A record rather than tags: it needs no extra read per resource (no-change setup stays one round of reads),
 * and it covers what has no tags (rule targets, permissions, mappings).
 */
interface OwnedFile {
  version: 1;
  /** endpoint URL → resource keys (`queue:jobs`, `target:default/rule/id`, …) */
  endpoints: Record<string, string[]>;
}

/**
 * A resource's key in the record. A rule (and its targets) is named with its bus only where the plan must tell
 * buses apart (a rule moved off a bus is deleted as `default/mover`, created as `mover`): the key leaves it out.
 */
export function ownershipKey(r: ResourceRef): string {
  const parts = r.name.split('/');
  if (r.type === 'rule') return `rule:${parts.at(-1)}`;
  if (r.type === 'target' && parts.length > 2) return `target:${parts.slice(-2).join('/')}`;
  return `${r.type}:${r.name}`;
}

const fileOf = (projectDir: string) => join(projectDir, '.evlab', 'owned.json');

export async function readOwned(projectDir: string, endpoint: string): Promise<Set<string>> {
  const file = await readOwnedFile(projectDir);
  return new Set(file.endpoints[endpointKey(endpoint)] ?? []);
}

/** The changes that touch a resource evlab did not create: updates and deletions of what it finds there. */
export function needingAdoption(changes: readonly Change[], owned: ReadonlySet<string>): Change[] {
  // A table replaced (delete then create) is one adoption, of its delete.
  return changes.filter((c) => (c.action === 'update' || c.action === 'delete') && !owned.has(ownershipKey(c.resource)));
}

/** After an apply: what was created or changed is evlab's now; what was deleted is no longer anyone's. */
export async function recordApplied(projectDir: string, endpoint: string, applied: readonly Change[]): Promise<void> {
  const file = await readOwnedFile(projectDir);
  const owned = new Set(file.endpoints[endpointKey(endpoint)] ?? []);
  for (const change of applied) {
    const key = ownershipKey(change.resource);
    if (change.action === 'delete') owned.delete(key);
    else if (change.action === 'create' || change.action === 'update') owned.add(key);
  }
  file.endpoints[endpointKey(endpoint)] = [...owned].sort();
  await writeOwnedFile(projectDir, file);
}

/** After teardown: the deleted resources are forgotten. */
export async function forgetDeleted(projectDir: string, endpoint: string, deleted: readonly Change[]): Promise<void> {
  await recordApplied(projectDir, endpoint, deleted.filter((c) => c.action === 'delete'));
}

async function readOwnedFile(projectDir: string): Promise<OwnedFile> {
  try {
    const parsed = JSON.parse(await readFile(fileOf(projectDir), 'utf8')) as Partial<OwnedFile>;
    if (parsed && parsed.version === 1 && parsed.endpoints && typeof parsed.endpoints === 'object') return { version: 1, endpoints: parsed.endpoints };
  } catch {
    // No record yet (or an unreadable one): nothing is known to be evlab's.
  }
  return { version: 1, endpoints: {} };
}

async function writeOwnedFile(projectDir: string, file: OwnedFile): Promise<void> {
  const path = fileOf(projectDir);
  await mkdir(join(projectDir, '.evlab'), { recursive: true });
  // Written whole and renamed, so an interrupted write never leaves half a record.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file, null, 2) + '\n');
  await rename(temporary, path);
}

/** `http://127.0.0.1:4566/` and `http://localhost:4566` are one endpoint. */
function endpointKey(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    const host = url.hostname === 'localhost' || url.hostname === '[::1]' ? '127.0.0.1' : url.hostname;
    return `${url.protocol}//${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return endpoint;
  }
}
