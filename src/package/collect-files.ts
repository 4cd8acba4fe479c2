import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface SourceFile {
  /** Path inside the zip, with forward slashes. */
  name: string;
  /** Absolute path of the file's content (symlinks resolved). */
  path: string;
  size: number;
  mtimeMs: number;
  executable: boolean;
}

/** Never packaged: evlab's own build folder, VCS metadata and Python bytecode caches. */
const EXCLUDED_DIRS = new Set(['.evlab', '.git', '__pycache__']);
const EXCLUDED_FILE = (name: string) => name.endsWith('.pyc') || name === '.DS_Store';

/** Whether a path inside a function's source (either separator) is part of its package. */
export function isPackagedPath(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/).filter(Boolean);
  return parts.length > 0 && !parts.some((p) => EXCLUDED_DIRS.has(p)) && !EXCLUDED_FILE(parts[parts.length - 1]!);
}

/**
 * Every file below `root`, sorted by zip name. node_modules is included (Lambda has no npm); symlinks are
 * followed (npm workspaces link packages) but a folder reached twice through links is read once.
 */
export async function collectSourceFiles(root: string, prefix = ''): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const visited = new Set<string>();
  const walk = async (dir: string, base: string): Promise<void> => {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    const names = (await readdir(dir)).sort();
    await Promise.all(
      names.map(async (name) => {
        const abs = join(dir, name);
        const zipName = base === '' ? name : `${base}/${name}`;
        let info;
        try {
          info = await stat(abs);
        } catch {
          return; // a dangling symlink: nothing to package
        }
        if (info.isDirectory()) {
          if (!EXCLUDED_DIRS.has(name)) await walk(abs, zipName);
        } else if (info.isFile() && !EXCLUDED_FILE(name)) {
          files.push({ name: zipName, path: await realpath(abs), size: info.size, mtimeMs: info.mtimeMs, executable: (info.mode & 0o111) !== 0 });
        }
      }),
    );
  };
  await walk(root, prefix);
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
