import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatus } from '../../src/commands/status.js';
import { testContext, writeProject } from '../fixtures/events/command-context.js';

// Something that answers HTTP but is not an AWS endpoint (like `python3 -m http.server`): HTML error pages.
let server: Server;
let url: string;
let project: ReturnType<typeof writeProject>;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.method === 'GET' ? 404 : 501, { 'content-type': 'text/html;charset=utf-8' });
    res.end('<!DOCTYPE HTML><html><head><title>Error response</title></head><body><h1>Error response</h1></body></html>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  project = writeProject({
    queues: { jobs: {} },
    tables: { Counts: { partitionKey: { name: 'id', type: 'S' } } },
    functions: { counter: { runtime: 'python3.12', handler: 'app.handler', source: 'functions/counter' } },
  });
});
afterAll(async () => {
  project?.remove();
  server?.close();
});

describe('evlab status against something that is not an AWS endpoint', () => {
  it('says what answered instead of the SDK\'s deserialization error, and --check exits 1', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: url } });
    expect(await runStatus({ check: true }, run.ctx)).toBe(1);
    const text = run.stdout();
    expect(text).not.toMatch(/Deserialization|SyntaxError|\$response/);
    expect(text).toContain('✗ queue jobs could not be read: the endpoint answered HTTP 501 with a text/html body that is not an AWS response');
    expect(text).toContain('✗ function counter could not be read: the endpoint answered HTTP 404 with a text/html body that is not an AWS response');
    expect(text).toContain(`hint: ${url} does not answer like an AWS endpoint`);
    // One cause, one hint.
    expect(text.match(/hint:/g)).toHaveLength(1);
  });

  it('--json marks each unreadable resource with its code', async () => {
    const run = testContext({ cwd: project.dir, flags: { endpoint: url, json: true } });
    expect(await runStatus({}, run.ctx)).toBe(0);
    const status = JSON.parse(run.stdout());
    expect(status.ok).toBe(false);
    expect(status.queues[0]).toMatchObject({ presence: 'error', errorCode: 'HTTP501' });
    expect(status.problems.map((p: { kind: string }) => p.kind)).toEqual(['unreadable', 'unreadable', 'unreadable']);
  });
});
