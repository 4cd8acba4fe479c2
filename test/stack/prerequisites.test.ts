import { describe, expect, it } from 'vitest';
import type { EndpointInfo } from '../../src/aws/detect.js';
import { accountCheck, interpreterChecks, serviceChecks, servicesNeeded } from '../../src/stack/prerequisites.js';
import type { StackFile } from '../../src/stack/types.js';

const stack: StackFile = {
  queues: { q: {} },
  tables: { T: { partitionKey: { name: 'id', type: 'S' } } },
  functions: {
    py: { runtime: 'python3.12', handler: 'app.handler', source: 'fn' },
    js: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'fn' },
    jv: { runtime: 'java21', handler: 'a.B::c', source: 'fn' },
  },
  rules: { r: { pattern: { source: ['x'] }, targets: [{ logGroup: '/aws/events/x' }] } },
};

const localstack = (services: Record<string, string>): EndpointInfo => ({ kind: 'localstack', label: 'LocalStack 4.3 (community)', services, idleSignal: false });

describe('prerequisites', () => {
  it('lists the services a stack needs', () => {
    expect(servicesNeeded(stack, true)).toEqual(['dynamodb', 'events', 'iam', 'lambda', 'logs', 'sqs']);
    expect(servicesNeeded({ queues: { q: {} } }, true)).toEqual(['sqs']);
    expect(servicesNeeded({}, false)).toEqual([]);
  });

  it('fails a disabled service with a fix, passes running and available ones', () => {
    const checks = serviceChecks(localstack({ sqs: 'running', dynamodb: 'available', lambda: 'disabled', events: 'error' }), ['dynamodb', 'events', 'lambda', 'sqs']);
    expect(checks[0]).toMatchObject({ name: 'services', status: 'ok', detail: 'dynamodb, sqs' });
    expect(checks.find((c) => c.name === 'service lambda')).toMatchObject({ status: 'fail', fix: expect.stringContaining('SERVICES') });
    expect(checks.find((c) => c.name === 'service events')).toMatchObject({ status: 'fail', fix: expect.stringContaining('restart') });
  });

  it('assumes services are there where the endpoint reports no states', () => {
    const checks = serviceChecks({ kind: 'moto', label: 'moto', idleSignal: false }, ['sqs']);
    expect(checks).toEqual([{ name: 'services', status: 'ok', detail: 'sqs (moto does not report service states; assumed available)' }]);
  });

  it('checks local interpreters only for the evlab engine, and flags runtimes it cannot run', async () => {
    expect(await interpreterChecks({ kind: 'moto', label: 'moto', idleSignal: false }, stack)).toEqual([]);
    const checks = await interpreterChecks({ kind: 'evlab', label: 'evlab engine', idleSignal: true }, stack);
    expect(checks.map((c) => c.name)).toEqual(['node', 'python3', 'runtime java21']);
    expect(checks.find((c) => c.name === 'runtime java21')!.status).toBe('warn');
    // python3 and node exist on the machines that run these tests; their version may differ from the runtime's.
    expect(['ok', 'warn']).toContain(checks.find((c) => c.name === 'python3')!.status);
    expect(checks.find((c) => c.name === 'node')!.detail).toMatch(/Node\.js \d+/);
  });

  it('fails a missing interpreter with how to install it, and warns about a version mismatch', async () => {
    const evlab: EndpointInfo = { kind: 'evlab', label: 'evlab engine', idleSignal: true };
    const checks = await interpreterChecks(evlab, stack, async (command) => (command === 'node' ? 'Node.js 22.1.0' : undefined));
    expect(checks.find((c) => c.name === 'python3')).toMatchObject({ status: 'fail', detail: "not found on the engine's PATH (needed by py)", fix: expect.stringContaining('install Python 3') });
    expect(checks.find((c) => c.name === 'node')).toMatchObject({ status: 'warn', detail: 'Node.js 22.1.0 runs js (nodejs20.x)' });
  });
});

describe('accountCheck', () => {
  const moto: EndpointInfo = { kind: 'moto', label: 'moto', idleSignal: false };
  const url = 'http://127.0.0.1:5000';

  it("fails before any change when moto's account is not the role's, with the command that fixes it", async () => {
    const [check] = await accountCheck(moto, url, stack, async () => '123456789012');
    expect(check).toMatchObject({ name: 'account', status: 'fail', detail: "moto runs as account 123456789012, but the functions' role is in account 000000000000" });
    expect(check!.fix).toContain('MOTO_ACCOUNT_ID=000000000000 python3 -m moto.server -H 127.0.0.1 -p 5000');
  });

  it('passes when the accounts agree, and asks nothing of other endpoints or stacks without functions', async () => {
    expect(await accountCheck(moto, url, stack, async () => '000000000000')).toEqual([{ name: 'account', status: 'ok', detail: "000000000000 (the role's account)" }]);
    const never = async () => {
      throw new Error('must not be asked');
    };
    expect(await accountCheck(localstack({}), url, stack, never)).toEqual([]);
    expect(await accountCheck(moto, url, { queues: { q: {} } }, never)).toEqual([]);
    // An endpoint that cannot say: no claim either way (setup reports a real failure if one comes).
    expect(await accountCheck(moto, url, stack, never)).toEqual([]);
  });
});
