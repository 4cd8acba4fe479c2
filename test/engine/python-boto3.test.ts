// Which python runs Python lambdas, whether it has boto3 (AWS's Python runtimes include it), and how setup
// reports a missing boto3 with the exact fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { EndpointInfo } from '../../src/aws/detect.js';
import type { Engine } from '../../src/engine/index.js';
import { findPython } from '../../src/engine/lambda/python-interpreter.js';
import { engineInterpreters, interpreterChecks, type InterpreterProbe } from '../../src/stack/prerequisites.js';
import type { StackFile } from '../../src/stack/types.js';
import { runPython, startTestEngine } from '../helpers/engine.js';

const evlab: EndpointInfo = { kind: 'evlab', label: 'evlab engine', idleSignal: true };
const stack: StackFile = { functions: { producer: { runtime: 'python3.11', handler: 'app.handler', source: 'fn' } } };

function probeWith(boto3: Awaited<ReturnType<NonNullable<InterpreterProbe['boto3']>>>): InterpreterProbe {
  const probe: InterpreterProbe = async (command) => (command === 'python3' ? 'Python 3.11.7' : 'Node.js 20.20.2');
  probe.boto3 = async () => boto3;
  return probe;
}

describe('setup: the boto3 check', () => {
  it('warns with the fix the engine names when its python cannot import boto3', async () => {
    const checks = await interpreterChecks(evlab, stack, probeWith({ executable: '/usr/bin/python3', fix: 'apt-get install python3-boto3' }));
    expect(checks.find((c) => c.name === 'boto3')).toEqual({
      name: 'boto3',
      status: 'warn',
      detail: "/usr/bin/python3 cannot import boto3, which AWS's Python runtimes include (functions producer fail if they import it)",
      fix: "apt-get install python3-boto3, then run setup again (or put boto3 in the function's folder: pip install boto3 -t <source>)",
    });
    // python3 itself is there: that check stays ok.
    expect(checks.find((c) => c.name === 'python3')).toMatchObject({ status: 'ok' });
  });

  it('passes with the version, and says which python3 on PATH was passed over', async () => {
    const checks = await interpreterChecks(evlab, stack, probeWith({ version: 'boto3 1.35.0', executable: '/opt/py/bin/python3.12', passedOver: '/usr/bin/python3' }));
    expect(checks.find((c) => c.name === 'boto3')).toEqual({
      name: 'boto3',
      status: 'ok',
      detail: 'boto3 1.35.0 on /opt/py/bin/python3.12 (for producer; /usr/bin/python3, first on PATH, has no boto3)',
    });
  });

  it('makes no claim for an engine that does not report boto3, nor for stacks without Python functions', async () => {
    expect((await interpreterChecks(evlab, stack, probeWith(undefined))).map((c) => c.name)).toEqual(['python3']);
    const node: StackFile = { functions: { f: { runtime: 'nodejs20.x', handler: 'index.handler', source: 'fn' } } };
    expect((await interpreterChecks(evlab, node, probeWith({ executable: 'python3' }))).map((c) => c.name)).toEqual(['node']);
  });
});

describe('findPython: the first interpreter on PATH that can import boto3', () => {
  let root: string;
  // Stand-ins that answer the probe as interpreters would: where they are, their version, boto3's version
  // ('' = none), and whether they are a distribution's externally managed python.
  function fakePython(dir: string, name: string, lines: string[]): void {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}\n`);
    chmodSync(file, 0o755);
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'evlab-python-'));
    fakePython(join(root, 'first'), 'python3', ['/usr/bin/python3.11', '3.11.2', '', 'debian']);
    fakePython(join(root, 'other'), 'python3.12', ['/opt/py/bin/python3.12', '3.12.1', '1.35.0', '']);
    fakePython(join(root, 'other'), 'python3.9', ['/opt/py/bin/python3.9', '3.9.0', '1.20.0', '']);
    fakePython(join(root, 'plain'), 'python3', ['/home/me/.venv/bin/python3', '3.13.0', '', '']);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes over a python3 without boto3 for a newer python3.N with it', async () => {
    const found = await findPython([join(root, 'first'), join(root, 'other')].join(delimiter));
    expect(found).toEqual({ executable: '/opt/py/bin/python3.12', version: '3.12.1', boto3: '1.35.0', boto3Fix: '/opt/py/bin/python3.12 -m pip install boto3', passedOver: '/usr/bin/python3.11' });
  });

  it('settles for the first python3 when none has boto3, with the fix for that python', async () => {
    expect(await findPython(join(root, 'first'))).toEqual({ executable: '/usr/bin/python3.11', version: '3.11.2', boto3Fix: 'apt-get install python3-boto3' });
    expect((await findPython(join(root, 'plain')))?.boto3Fix).toBe('/home/me/.venv/bin/python3 -m pip install boto3');
    expect(await findPython(join(root, 'nowhere'))).toBeUndefined();
  });
});

describe('the engine reports boto3 at /_evlab/interpreters', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(() => engine.stop());

  it('names the python it runs lambdas with and its boto3, and setup reads it', async () => {
    const body = (await (await fetch(`${engine.url}/_evlab/interpreters`)).json()) as Record<string, string | null>;
    // The machines that run these tests have boto3 (the boto3 cross-checks need it too; .ci/run installs it).
    const expected = await runPython('import boto3, sys; print(boto3.__version__)', engine.url);
    expect(body.boto3).toBe(expected.trim());
    expect(body.python3Executable).toMatch(/python3/);
    expect(body).not.toHaveProperty('boto3Fix');
    const report = await engineInterpreters(engine.url).boto3!();
    expect(report).toMatchObject({ version: `boto3 ${body.boto3}`, executable: body.python3Executable });
  });
});
