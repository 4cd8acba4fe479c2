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
