import { startEngine, type Engine, type EngineOptions } from '../../src/engine/index.js';

/** SDK client settings for a local endpoint: dummy credentials so no real profile is ever used. */
export function clientConfig(endpoint: string, region = 'us-east-1') {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
}

/** A fresh engine on a free port, in memory; stop it in afterAll. */
export function startTestEngine(options: EngineOptions = {}): Promise<Engine> {
  return startEngine({ port: 0, lambdaRetryBaseDelayMs: 100, esmPollIntervalMs: 100, ...options });
}

/** Environment for boto3 / the aws CLI against a local endpoint. */
export function pythonEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_PAGER: '',
  };
}

/**
 * Runs a boto3 script against the engine. Always asynchronous: the engine lives in this process,
 * so a synchronous child (execFileSync) would block the very server it talks to.
 */
export async function runPython(script: string, endpoint: string, timeoutMs = 30_000): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', script], { env: pythonEnv(endpoint), timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python3 failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `aws` CLI (pip awscli) against the engine, asynchronously for the same reason as runPython.
 * Resolves with the exit code instead of rejecting, so tests can assert on a failing command's output.
 */
export async function runAws(args: string[], endpoint: string, timeoutMs = 30_000): Promise<AwsCliResult> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('aws', ['--endpoint-url', endpoint, ...args], { env: pythonEnv(endpoint), timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(new Error(`aws ${args.join(' ')} failed to run: ${err.message}\n${stderr}`));
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/**
 * Python helpers the boto3 cross-checks share: `error(call)` answers None, or the ClientError as
 * {code, message, status} plus one entry per ERROR_EXTRAS item (name → function of the error response);
 * `pick(d, *keys)` keeps some keys of a dict.
 */
export const BOTO3_PRELUDE = String.raw`
import json, time, boto3
from botocore.exceptions import ClientError
ERROR_EXTRAS = {}
def error(call):
  try:
    call()
    return None
  except ClientError as e:
    out = {'code': e.response['Error']['Code'], 'message': e.response['Error'].get('Message'), 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
    for name, read in ERROR_EXTRAS.items():
      out[name] = read(e.response)
    return out
def pick(d, *keys):
  return {k: d.get(k) for k in keys}
`;

