import { describe, expect, it } from 'vitest';
import { isLoopback, resolveTarget } from '../../src/aws/target.js';
import { ConfigError } from '../../src/errors.js';

describe('resolveTarget', () => {
  it('takes the endpoint from the flag, then EVLAB_ENDPOINT, AWS_ENDPOINT_URL, the stack file, the default', () => {
    const env = { EVLAB_ENDPOINT: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' };
    expect(resolveTarget({ endpoint: 'http://localhost:9' }, env).endpoint).toBe('http://localhost:9');
    expect(resolveTarget({}, env).source).toBe('EVLAB_ENDPOINT');
    expect(resolveTarget({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }).endpoint).toBe('http://127.0.0.1:2');
    expect(resolveTarget({}, {}, { endpoint: 'http://127.0.0.1:3' }).source).toBe('stack');
    const fallback = resolveTarget({}, {});
    expect(fallback).toMatchObject({ endpoint: 'http://127.0.0.1:4566', source: 'default', isDefault: true, region: 'us-east-1' });
  });

  it('gives local endpoints dummy credentials so a real profile is never sent', () => {
    expect(resolveTarget({}, {}).credentials).toEqual({ accessKeyId: 'test', secretAccessKey: 'test' });
  });

  it('refuses a non-local endpoint unless --allow-remote is given', () => {
    expect(() => resolveTarget({ endpoint: 'https://events.us-east-1.amazonaws.com' }, {})).toThrow(ConfigError);
    const remote = resolveTarget({ endpoint: 'https://events.us-east-1.amazonaws.com', allowRemote: true }, {});
    expect(remote.local).toBe(false);
    expect(remote.credentials).toBeUndefined();
  });

  it('rejects an endpoint that is not a URL with a hint', () => {
    expect(() => resolveTarget({ endpoint: 'ftp://x' }, {})).toThrow(/http or https/);
  });

  it('knows loopback names, including LocalStack\'s', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'sqs.us-east-1.localhost.localstack.cloud']) expect(isLoopback(host)).toBe(true);
    for (const host of ['10.0.0.1', 'example.com', 'localhost.evil.com']) expect(isLoopback(host)).toBe(false);
  });
});

describe('--endpoint aws (AWS itself)', () => {
  it('is remote, has no single endpoint for the SDK and no dummy credentials', async () => {
    const { clientEndpoint } = await import('../../src/aws/target.js');
    expect(() => resolveTarget({ endpoint: 'aws' }, {})).toThrow(/not a local endpoint/);
    const target = resolveTarget({ endpoint: 'aws', allowRemote: true, region: 'eu-central-1' }, {});
    expect(target).toMatchObject({ aws: true, local: false, region: 'eu-central-1', credentials: undefined });
    expect(clientEndpoint(target)).toBeUndefined();
  });
  it('EVLAB_TEST_REMOTE=1 marks a loopback endpoint as remote (the tests\' seam)', () => {
    expect(() => resolveTarget({ endpoint: 'http://127.0.0.1:4566' }, { EVLAB_TEST_REMOTE: '1' })).toThrow(/not a local endpoint/);
    expect(resolveTarget({ endpoint: 'http://127.0.0.1:4566', allowRemote: true }, { EVLAB_TEST_REMOTE: '1' }).credentials).toBeUndefined();
  });
});
