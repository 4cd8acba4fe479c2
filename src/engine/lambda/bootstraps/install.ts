import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NODE_BOOTSTRAP } from './node-bootstrap.js';
import { PYTHON_BOOTSTRAP } from './python-bootstrap.js';
import { SUPERVISOR } from './supervisor.js';

const installed = new Map<string, Promise<string>>();

/** Writes the runtime clients into `dir` once per engine; resolves to that folder (LAMBDA_RUNTIME_DIR). */
export function installBootstraps(dir: string): Promise<string> {
  let done = installed.get(dir);
  if (!done) {
    done = (async () => {
      await mkdir(dir, { recursive: true });
      await Promise.all([
        writeFile(join(dir, 'node-bootstrap.mjs'), NODE_BOOTSTRAP),
        writeFile(join(dir, 'python_bootstrap.py'), PYTHON_BOOTSTRAP),
        writeFile(join(dir, 'supervisor.mjs'), SUPERVISOR),
        provideAwsSdk(join(dir, '..', 'node_modules')),
      ]);
      return dir;
    })();
    done.catch(() => installed.delete(dir));
    installed.set(dir, done);
  }
  return done;
}

// The package scopes of the AWS SDK for JavaScript v3 that AWS's Node.js runtimes preinstall.
const SDK_SCOPES = ['@aws-sdk', '@smithy', '@aws-crypto'];

/**
 * AWS's Node.js runtimes include the SDK v3, so handlers import `@aws-sdk/client-dynamodb` without bundling it.
 * Function code is unpacked below `<workDir>/lambda/`, so a `node_modules` there — linking the SDK packages evlab
 * itself is installed with — is found by Node's resolution (CommonJS and ESM alike) after the function's own
 * node_modules, as on AWS. Clients evlab does not ship (S3, say) still need bundling.
 */
async function provideAwsSdk(nodeModules: string): Promise<void> {
  await mkdir(nodeModules, { recursive: true });
  const require = createRequire(import.meta.url);
  let sdkScope: string;
  try {
    sdkScope = dirname(dirname(require.resolve('@aws-sdk/client-dynamodb/package.json')));
  } catch {
    return; // evlab without its SDK dependencies: nothing to provide
  }
  const modulesDir = dirname(sdkScope);
  await Promise.all(
    SDK_SCOPES.map((scope) =>
      symlink(join(modulesDir, scope), join(nodeModules, scope), 'junction').catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST' && err.code !== 'ENOENT') throw err;
      }),
    ),
  );
}
