import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateAliasCommand, GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { createActive, invoke, waitFor } from '../fixtures/lambda/helpers.js';
import { makeZip } from '../fixtures/lambda/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'evlab-versions-persist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const edition = (name: string) => makeZip({ 'index.js': `exports.handler = async (e, c) => ({ edition: '${name}', version: c.functionVersion });` });

describe('Lambda versions with --persist', () => {
  it('brings versions (with their own code) and aliases back after a restart', async () => {
    const first = await startTestEngine({ persist: dir });
    try {
      const lambda = new LambdaClient(clientConfig(first.url));
      await createActive(lambda, { FunctionName: 'kept', Code: { ZipFile: await edition('A') } });
      await lambda.send(new PublishVersionCommand({ FunctionName: 'kept' }));
      await lambda.send(new CreateAliasCommand({ FunctionName: 'kept', Name: 'live', FunctionVersion: '1' }));
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'kept', ZipFile: await edition('B') }));
      await waitFor('the update', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'kept' }))).LastUpdateStatus === 'Successful');
    } finally {
      await first.stop();
    }

    const second = await startTestEngine({ persist: dir });
    try {
      const lambda = new LambdaClient(clientConfig(second.url));
      await waitFor('version 1 Active again', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'kept:1' }))).State === 'Active');
      await waitFor('$LATEST Active again', async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'kept' }))).State === 'Active');
      expect((await lambda.send(new GetAliasCommand({ FunctionName: 'kept', Name: 'live' }))).FunctionVersion).toBe('1');
      expect((await invoke(lambda, 'kept:live', {})).payload).toEqual({ edition: 'A', version: '1' });
      expect((await invoke(lambda, 'kept', {})).payload).toEqual({ edition: 'B', version: '$LATEST' });
      // Numbering goes on where it stopped.
      expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'kept' }))).Version).toBe('2');
    } finally {
      await second.stop();
    }
  });
});
