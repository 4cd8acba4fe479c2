// Deploying the bench's own functions (bench/fixtures/*) through the SDK, as a user's script would.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import archiver from 'archiver';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, AddPermissionCommand } from '@aws-sdk/client-lambda';
import { waitFor } from './clients.mjs';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const ROLE_ARN = 'arn:aws:iam::000000000000:role/bench-lambda-role';

/** The files of a fixture folder, zipped in memory (archiver is one of evlab's own dependencies). */
export async function zipFixture(name) {
  const dir = join(FIXTURES, name);
  const archive = archiver('zip', { zlib: { level: 6 } });
  const chunks = [];
  archive.on('data', (c) => chunks.push(c));
  const ended = new Promise((resolve, reject) => {
    archive.once('end', resolve);
    archive.once('error', reject);
  });
  for (const file of readdirSync(dir).sort()) archive.file(join(dir, file), { name: file, date: new Date(0) });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export async function ensureRole(clients) {
  try {
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'bench-lambda-role',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      }),
    );
  } catch (err) {
    if (err.name !== 'EntityAlreadyExists' && err.name !== 'EntityAlreadyExistsException') throw err;
  }
}

/** CreateFunction, then wait for State Active (functions start Pending). Returns the function ARN. */
export async function deployFunction(clients, { name, runtime, handler, zip, deadLetterArn, timeout = 10, memorySize = 128 }) {
  const created = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime,
      Handler: handler,
      Role: ROLE_ARN,
      Code: { ZipFile: zip },
      Timeout: timeout,
      MemorySize: memorySize,
      ...(deadLetterArn ? { DeadLetterConfig: { TargetArn: deadLetterArn } } : {}),
    }),
  );
  await waitFor(`function ${name} to be Active`, async () => {
    const cfg = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (cfg.State === 'Failed') throw new Error(`function ${name} failed: ${cfg.StateReason}`);
    return cfg.State === 'Active';
  });
  return created.FunctionArn;
}

/** Lets EventBridge invoke the function, as on AWS (the engine may not insist; a script must). */
export async function allowEventBridge(clients, name, ruleArn) {
  await clients.lambda.send(
    new AddPermissionCommand({ FunctionName: name, StatementId: `events-${name}`, Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: ruleArn }),
  );
}
