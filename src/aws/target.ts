import { ConfigError } from '../errors.js';
import { DEFAULT_REGION } from '../stack/types.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4566';

export interface TargetFlags {
  endpoint?: string;
  region?: string;
  allowRemote?: boolean;
}

export interface Target {
  endpoint: string;
  region: string;
  /** Where the endpoint came from: flag, EVLAB_ENDPOINT, AWS_ENDPOINT_URL, stack file or default. */
  source: 'flag' | 'EVLAB_ENDPOINT' | 'AWS_ENDPOINT_URL' | 'stack' | 'default';
  /** Loopback endpoint: gets dummy credentials, never a real profile. */
  local: boolean;
  /** The default local endpoint: commands may start the embedded engine there. */
  isDefault: boolean;
  /** `--endpoint aws`: AWS itself, each service at its own regional endpoint (the SDK's default). */
  aws?: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** Endpoint: --endpoint, then EVLAB_ENDPOINT, then AWS_ENDPOINT_URL, then the stack file, else 127.0.0.1:4566. */
export function resolveTarget(
  flags: TargetFlags,
  env: NodeJS.ProcessEnv,
  stack: { endpoint?: string; region?: string } = {},
): Target {
  const picked: [string | undefined, Target['source']][] = [
    [flags.endpoint, 'flag'],
    [env.EVLAB_ENDPOINT, 'EVLAB_ENDPOINT'],
    [env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL'],
    [stack.endpoint, 'stack'],
  ];
  const [raw, source] = picked.find(([value]) => value && value.trim() !== '') ?? [DEFAULT_ENDPOINT, 'default'];
  const aws = raw!.trim().toLowerCase() === AWS_ENDPOINT;
  const endpoint = aws ? AWS_ENDPOINT_LABEL : normaliseEndpoint(raw!, source);
  const region = flags.region ?? env.EVLAB_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? stack.region ?? DEFAULT_REGION;
  // EVLAB_TEST_REMOTE=1 treats a loopback endpoint as remote: the only way tests can exercise the
  // real-account path (credential chain, account confirmation) offline, against a local engine.
  const local = !aws && isLoopback(new URL(endpoint).hostname) && env.EVLAB_TEST_REMOTE !== '1';
  if (!local && !flags.allowRemote) {
    throw new ConfigError('RemoteEndpointRefused', `refusing to use ${endpoint} (from ${sourceLabel(source)}): it is not a local endpoint`, {
      hint: 'evlab only talks to loopback endpoints unless you pass --allow-remote; that flag uses your real AWS credentials and may change a real account',
    });
  }
  return {
    endpoint,
    region,
    source,
    local,
    isDefault: source === 'default',
    ...(aws ? { aws } : {}),
    // Remote targets get no credentials here, so the SDK's own chain (env, profile, SSO, instance role) applies.
    credentials: local ? { accessKeyId: 'test', secretAccessKey: 'test' } : undefined,
  };
}

/** `--endpoint aws` names AWS itself rather than one URL. */
export const AWS_ENDPOINT = 'aws';
const AWS_ENDPOINT_LABEL = 'https://amazonaws.com';

/** The endpoint to give an SDK client: none for AWS itself (each service resolves its own). */
export function clientEndpoint(target: Target): string | undefined {
  return target.aws ? undefined : target.endpoint;
}

export function sourceLabel(source: Target['source']): string {
  return source === 'flag' ? '--endpoint' : source === 'stack' ? 'the stack file' : source === 'default' ? 'the default' : source;
}

function normaliseEndpoint(raw: string, source: Target['source']): string {
  const text = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('InvalidEndpoint', `the endpoint "${raw}" (from ${sourceLabel(source)}) is not a URL`, {
      hint: 'use a URL such as http://127.0.0.1:4566',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('InvalidEndpoint', `the endpoint "${raw}" must use http or https`, { hint: 'use a URL such as http://127.0.0.1:4566' });
  }
  return url.origin;
}

/** Loopback names and addresses, including LocalStack's *.localhost.localstack.cloud names that resolve to 127.0.0.1. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === 'localhost.localstack.cloud' ||
    host.endsWith('.localhost.localstack.cloud') ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '::1' ||
    host === '0:0:0:0:0:0:0:1'
  );
}
