import { execFile } from 'node:child_process';
import type { EndpointInfo } from '../aws/detect.js';
import { portOf } from '../aws/url-port.js';
import { engineRunsRuntime, hostInterpreter } from './runtimes.js';
import { DEFAULT_ROLE, type StackFile } from './types.js';

export interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** How to fix a failure or warning. */
  fix?: string;
}

/** The AWS services a stack needs, by the names LocalStack-style health endpoints use. */
export function servicesNeeded(stack: StackFile, withRole: boolean): string[] {
  const needed = new Set<string>();
  const rules = Object.values(stack.rules ?? {});
  if (Object.keys(stack.queues ?? {}).length || stack.subscriptions?.length) needed.add('sqs');
  if (Object.keys(stack.tables ?? {}).length) needed.add('dynamodb');
  if (Object.keys(stack.functions ?? {}).length) needed.add('lambda');
  if (rules.length || Object.keys(stack.buses ?? {}).length) needed.add('events');
  if (rules.some((r) => r.targets.some((t) => 'logGroup' in t))) needed.add('logs');
  if (withRole && Object.keys(stack.functions ?? {}).length) needed.add('iam');
  if (Object.keys(stack.buckets ?? {}).length) needed.add('s3');
  if (Object.keys(stack.apis ?? {}).length) needed.add('apigateway');
  return [...needed].sort();
}

const GOOD_STATES = new Set(['running', 'available', 'starting', 'ready', 'initialized']);

/** Checks the endpoint's reported service states (where it reports them, like LocalStack's health). */
export function serviceChecks(endpoint: EndpointInfo, needed: string[]): Check[] {
  if (needed.length === 0) return [];
  if (!endpoint.services) {
    return [{ name: 'services', status: 'ok', detail: `${needed.join(', ')} (${endpoint.label} does not report service states; assumed available)` }];
  }
  const problems: Check[] = [];
  const fine: string[] = [];
  for (const service of needed) {
    const state = endpoint.services[service];
    if (state !== undefined && GOOD_STATES.has(state)) fine.push(service);
    // Health endpoints often leave IAM out even where it is served; setup finds out when it reads the role.
    else if (service === 'iam' && state === undefined) fine.push('iam (not listed; the role is checked where IAM answers)');
    else if (state === undefined || state === 'unknown') {
      problems.push({ name: `service ${service}`, status: 'warn', detail: `${endpoint.label} does not list ${service}`, fix: `make sure ${endpoint.label} serves ${service}` });
    } else {
      problems.push({ name: `service ${service}`, status: 'fail', detail: `${service} is ${state} at ${endpoint.label}`, fix: serviceFix(endpoint, service, state) });
    }
  }
  return [...(fine.length ? [{ name: 'services', status: 'ok' as const, detail: fine.join(', ') }] : []), ...problems];
}

function serviceFix(endpoint: EndpointInfo, service: string, state: string): string {
  if (endpoint.kind === 'localstack' && state === 'disabled') return `enable it: add ${service} to LocalStack's SERVICES setting and restart LocalStack`;
  if (state === 'error') return `restart ${endpoint.label}; its logs say why ${service} failed`;
  return `start or enable ${service} on ${endpoint.label}`;
}

/**
 * The evlab engine runs function code on this machine: python3 (from the engine's PATH) for python*, and its own
 * Node.js for nodejs* (so Node is always there; only its version is compared). `probe` answers as the engine sees
 * it (engineInterpreters). Other endpoints run code in their own containers, so nothing is checked for them.
 */
export async function interpreterChecks(endpoint: EndpointInfo, stack: StackFile, probe: InterpreterProbe = interpreterVersion): Promise<Check[]> {
  if (endpoint.kind !== 'evlab') return [];
  const functions = Object.entries(stack.functions ?? {});
  const checks: Check[] = [];
  const byInterpreter = new Map<'python3' | 'node', { fn: string; runtime: string }[]>();
  for (const [fn, spec] of functions) {
    const interpreter = hostInterpreter(spec.runtime);
    if (interpreter) byInterpreter.set(interpreter, [...(byInterpreter.get(interpreter) ?? []), { fn, runtime: spec.runtime }]);
    else if (!engineRunsRuntime(spec.runtime)) {
      checks.push({
        name: `runtime ${spec.runtime}`,
        status: 'warn',
        detail: `${fn}: the evlab engine cannot run ${spec.runtime} code (it runs nodejs*, python* and provided*)`,
        fix: 'the function is created, but invoking it fails here; use LocalStack for this runtime',
      });
    }
  }
  await Promise.all(
    [...byInterpreter].map(async ([interpreter, users]) => {
      const version = await probe(interpreter);
      const names = users.map((u) => u.fn).join(', ');
      if (!version) {
        checks.push({
          name: interpreter,
          status: 'fail',
          detail: `not found on the engine's PATH (needed by ${names})`,
          fix:
            interpreter === 'python3'
              ? 'install Python 3 so that `python3` is on PATH (e.g. apt install python3, brew install python), then restart the engine (evlab down; evlab up --detach) from a shell where `python3 --version` works'
              : 'install Node.js',
        });
        return;
      }
      if (interpreter === 'python3' && probe.boto3) {
        const boto3 = await probe.boto3();
        if (boto3) checks.push(boto3Check(boto3, names));
      }
      const mismatched = users.filter((u) => !runtimeMatches(u.runtime, version));
      checks.push(
        mismatched.length
          ? {
              name: interpreter,
              status: 'warn',
              detail: `${version} runs ${mismatched.map((u) => `${u.fn} (${u.runtime})`).join(', ')}`,
              fix: 'code that needs the declared version may behave differently here; install it or change "runtime"',
            }
          : { name: interpreter, status: 'ok', detail: `${version} (for ${names})` },
      );
    }),
  );
  return checks.sort((a, b) => a.name.localeCompare(b.name));
}

/** The interpreters as the engine sees them; `boto3` says whether its python can import boto3, when the engine reports it. */
export interface InterpreterProbe {
  (command: 'python3' | 'node'): Promise<string | undefined>;
  boto3?: () => Promise<Boto3Report | undefined>;
}

export interface Boto3Report {
  /** boto3's version; undefined when the engine's python cannot import it. */
  version?: string;
  executable?: string;
  fix?: string;
  /** The first python3 on the engine's PATH, passed over because it has no boto3. */
  passedOver?: string;
}

/**
 * AWS's Python runtimes include boto3, so handlers import it without packaging it. Only a warning when it is missing:
 * functions that do not use it still run (those that do fail with Runtime.ImportModuleError, and their log says so).
 */
function boto3Check(report: Boto3Report, names: string): Check {
  if (report.version) {
    const passed = report.passedOver ? `; ${report.passedOver}, first on PATH, has no boto3` : '';
    return { name: 'boto3', status: 'ok', detail: `${report.version} on ${report.executable ?? 'python3'} (for ${names}${passed})` };
  }
  return {
    name: 'boto3',
    status: 'warn',
    detail: `${report.executable ?? 'python3'} cannot import boto3, which AWS's Python runtimes include (functions ${names} fail if they import it)`,
    fix: `${report.fix ?? 'python3 -m pip install boto3'}, then run setup again (or put boto3 in the function's folder: pip install boto3 -t <source>)`,
  };
}

function runtimeMatches(runtime: string, version: string): boolean {
  const declared = runtime.startsWith('python') ? runtime.slice('python'.length) : runtime.replace(/^nodejs(\d+)\.x$/, '$1');
  const [major, minor] = version.replace(/^[^\d]*/, '').split('.');
  return runtime.startsWith('python') ? declared === `${major}.${minor}` : declared === major;
}

function interpreterVersion(command: 'python3' | 'node'): Promise<string | undefined> {
  if (command === 'node') return Promise.resolve(`Node.js ${process.versions.node}`);
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 3000 }, (err, stdout, stderr) => {
      if (err) return resolve(undefined);
      const text = `${stdout}${stderr}`.trim();
      const version = /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
      resolve(version ? `${command === 'python3' ? 'Python' : 'Node.js'} ${version}` : text);
    });
  });
}

/**
 * moto checks that a function's role belongs to its account, which is 123456789012 unless moto was started with
 * MOTO_ACCOUNT_ID. A role ARN of another account makes CreateFunction fail halfway through setup, so this is
 * checked first, through STS GetCallerIdentity.
 */
export async function accountCheck(
  endpoint: EndpointInfo,
  url: string,
  stack: StackFile,
  probe: (url: string) => Promise<string | undefined> = callerAccount,
): Promise<Check[]> {
  if (endpoint.kind !== 'moto' || Object.keys(stack.functions ?? {}).length === 0) return [];
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(stack.role ?? DEFAULT_ROLE)?.[1];
  const account = await probe(url).catch(() => undefined);
  if (!roleAccount || !account) return [];
  if (account === roleAccount) return [{ name: 'account', status: 'ok', detail: `${account} (the role's account)` }];
  const port = portOf(new URL(url));
  return [
    {
      name: 'account',
      status: 'fail',
      detail: `${endpoint.label} runs as account ${account}, but the functions' role is in account ${roleAccount}`,
      fix: `restart moto as account ${roleAccount}: MOTO_ACCOUNT_ID=${roleAccount} python3 -m moto.server -H 127.0.0.1 -p ${port} (or set "role" to arn:aws:iam::${account}:role/lambda-role)`,
    },
  ];
}

async function callerAccount(url: string): Promise<string | undefined> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // Routing only: local endpoints read the credential scope, they do not verify the signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20240101T000000Z',
    },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
    signal: AbortSignal.timeout(3000),
  });
  return /<Account>(\d{12})<\/Account>/.exec(await res.text())?.[1];
}

/**
 * The interpreters as the engine at `url` sees them (its PATH may differ from this shell's: it may have been
 * started elsewhere); an engine without that endpoint is answered with this machine's own.
 */
export function engineInterpreters(url: string): InterpreterProbe {
  let reported: Promise<Record<string, string | null> | undefined> | undefined;
  const ask = async () => {
    const { httpGet } = await import('../aws/http-get.js');
    const res = await httpGet(`${url}/_evlab/interpreters`, AbortSignal.timeout(15_000));
    if (res.status !== 200) return undefined;
    return JSON.parse(res.text) as Record<string, string | null>;
  };
  const report = () => (reported ??= ask().catch(() => undefined));
  const probe: InterpreterProbe = async (command) => {
    const versions = await report();
    if (!versions || !(command in versions)) return interpreterVersion(command);
    return versions[command] ?? undefined;
  };
  probe.boto3 = async () => {
    const versions = await report();
    // An engine that does not report boto3 (an older evlab): no claim either way.
    if (!versions || !('boto3' in versions)) return undefined;
    return {
      version: versions.boto3 ? `boto3 ${versions.boto3}` : undefined,
      executable: versions.python3Executable ?? undefined,
      fix: versions.boto3Fix ?? undefined,
      passedOver: versions.python3PassedOver ?? undefined,
    };
  };
  return probe;
}
