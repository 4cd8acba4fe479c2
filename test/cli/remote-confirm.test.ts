import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Engine } from '../../src/engine/index.js';
import { clientConfig, startTestEngine } from '../helpers/engine.js';
import { runBinary, writeProject } from '../fixtures/events/command-context.js';

// The real-account path (--allow-remote) offline: EVLAB_TEST_REMOTE=1 makes evlab treat the loopback
// engine as a remote target. A recording proxy in front of the engine shows which credentials and services
// each command used. Drives the built binary (`npm run build` first).

// The engine's fixed account id (what its STS GetCallerIdentity answers).
const ACCOUNT = '000000000000';
let engine: Engine;
let proxy: Server;
let proxyUrl: string;
let sqs: SQSClient;
let home: string;
let project: ReturnType<typeof writeProject>;
const seen: { service: string; accessKey: string }[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
  const target = new URL(engine.url);
  proxy = createServer((req, res) => {
    const match = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    if (match) seen.push({ accessKey: match[1]!, service: match[2]! });
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  sqs = new SQSClient(clientConfig(engine.url, 'eu-west-1'));
  // A profile in a private HOME: the credential chain must find it (and never fall back to the dummy keys).
  home = mkdtempSync(join(tmpdir(), 'evlab-remote-home-'));
  writeFileSync(join(home, 'credentials'), '[ci]\naws_access_key_id = AKIAPROFILEREMOTE\naws_secret_access_key = secret\n');
  project = writeProject({ queues: { 'remote-jobs': {} }, functions: { worker: { runtime: 'python3.12', handler: 'app.handler', source: 'functions/worker' } } }, { 'event.json': '{"Source": "cli", "DetailType": "a", "Detail": {}}' });
});
afterAll(async () => {
  sqs?.destroy();
  project?.remove();
  rmSync(home, { recursive: true, force: true });
  await new Promise((resolve) => proxy?.close(resolve));
  await engine?.stop();
});

const remoteEnv = () => ({
  EVLAB_TEST_REMOTE: '1',
  AWS_PROFILE: 'ci',
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
  AWS_CONFIG_FILE: join(home, 'config'),
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_REGION: 'eu-west-1',
});
const evlab = (args: string[], env: NodeJS.ProcessEnv = remoteEnv()) => runBinary(['--endpoint', proxyUrl, ...args], project.dir, env);
const queueExists = () => sqs.send(new GetQueueUrlCommand({ QueueName: 'remote-jobs' })).then(() => true, () => false);

describe('--allow-remote: the account is named and confirmed before the first write', () => {
  it('refuses a remote endpoint without --allow-remote', async () => {
    const run = await evlab(['setup']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('RemoteEndpointRefused');
  });

  it('without a terminal and without --yes, setup refuses, names account and region, and changes nothing', async () => {
    seen.length = 0;
    const run = await evlab(['--allow-remote', 'setup']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ConfirmationRequired');
    expect(run.stderr).toContain(`AWS account ${ACCOUNT}`);
    expect(run.stderr).toContain('in eu-west-1');
    expect(run.stderr).toContain('--yes');
    expect(await queueExists()).toBe(false);
    // Only the identity question was asked, with the profile's key: no write, no dummy keys.
    expect(seen.some((s) => s.service === 'sts' && s.accessKey === 'AKIAPROFILEREMOTE')).toBe(true);
    expect(seen.some((s) => s.accessKey === 'test')).toBe(false);
  });

  it('every writing command refuses the same way; a reading command does not ask', async () => {
    const runs = await Promise.all([
      evlab(['--allow-remote', 'teardown']),
      evlab(['--allow-remote', 'fire', 'event.json']),
      evlab(['--allow-remote', 'dlq', 'purge']),
      evlab(['--allow-remote', 'upload', 'event.json', '--bucket', 'nowhere']),
      evlab(['--allow-remote', 'relambda']),
      evlab(['--allow-remote', 'invoke', 'worker']),
    ]);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`AWS account ${ACCOUNT}`);
      expect(run.stderr).toContain('--yes');
    }
    const status = await evlab(['--allow-remote', 'status']);
    expect(status.stderr).not.toContain('ConfirmationRequired');
  });

  it('--yes proceeds, prints the account and region line, and uses the credential chain', async () => {
    seen.length = 0;
    const run = await evlab(['--allow-remote', '--yes', 'setup']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`remote target: AWS account ${ACCOUNT} \\(arn:aws:iam::${ACCOUNT}:root\\) in eu-west-1`));
    expect(await queueExists()).toBe(true);
    expect(seen.some((s) => s.service === 'sqs')).toBe(true);
    expect(new Set(seen.map((s) => s.accessKey))).toEqual(new Set(['AKIAPROFILEREMOTE']));
    const down = await evlab(['--allow-remote', '--yes', 'teardown']);
    expect(down.code, down.stderr).toBe(0);
    expect(await queueExists()).toBe(false);
  });

  it('a local endpoint gets the dummy keys and no STS call', async () => {
    seen.length = 0;
    const run = await evlab(['setup'], { AWS_PROFILE: 'ci', AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('remote target');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((s) => s.service === 'sts')).toBe(false);
    expect(new Set(seen.map((s) => s.accessKey))).toEqual(new Set(['test']));
    await evlab(['teardown'], {});
  });
});
