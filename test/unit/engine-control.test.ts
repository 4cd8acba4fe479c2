import { describe, expect, it } from 'vitest';
import { engineUrl, listenAddress, reaches, upCommand } from '../../src/engine-control/listen.js';

describe('listenAddress: where `evlab up` listens', () => {
  it('takes the port (and loopback host) of the endpoint the other commands resolve', () => {
    expect(listenAddress({}, {}, { EVLAB_ENDPOINT: 'http://127.0.0.1:4600' })).toMatchObject({ port: 4600, host: '127.0.0.1', from: 'EVLAB_ENDPOINT' });
    expect(listenAddress({}, { endpoint: 'http://localhost:4700' }, { EVLAB_ENDPOINT: 'http://127.0.0.1:4600' })).toMatchObject({ port: 4700, host: 'localhost', from: '--endpoint' });
    expect(listenAddress({}, {}, { AWS_ENDPOINT_URL: 'http://[::1]:4800' })).toMatchObject({ port: 4800, host: '::1', from: 'AWS_ENDPOINT_URL' });
    expect(listenAddress({}, {}, {}, { endpoint: 'http://127.0.0.1:4900' })).toMatchObject({ port: 4900, from: 'the stack file' });
    // A loopback name that is not an address or localhost: listen on 127.0.0.1 (where it resolves).
    expect(listenAddress({}, {}, { EVLAB_ENDPOINT: 'http://localhost.localstack.cloud:4601' })).toMatchObject({ port: 4601, host: '127.0.0.1' });
  });

  it('defaults to 127.0.0.1:4566, and --port/--host win', () => {
    expect(listenAddress({}, {}, {})).toMatchObject({ port: 4566, host: '127.0.0.1', from: undefined, endpoint: 'http://127.0.0.1:4566' });
    expect(listenAddress({ port: 5000 }, {}, { EVLAB_ENDPOINT: 'http://127.0.0.1:4600' })).toMatchObject({ port: 5000, host: '127.0.0.1', from: undefined });
    expect(listenAddress({ host: '0.0.0.0' }, {}, { EVLAB_ENDPOINT: 'http://127.0.0.1:4600' })).toMatchObject({ port: 4600, host: '0.0.0.0' });
  });

  it('ignores a remote endpoint, with a warning', () => {
    const listen = listenAddress({}, {}, { AWS_ENDPOINT_URL: 'https://sqs.example.com' });
    expect(listen).toMatchObject({ port: 4566, host: '127.0.0.1', from: undefined });
    expect(listen.warnings.join()).toContain('not a local address');
  });

  it('rejects an endpoint that is not a URL (usage error)', () => {
    expect(() => listenAddress({}, {}, { EVLAB_ENDPOINT: 'ftp://x' })).toThrow(expect.objectContaining({ exitCode: 2 }));
    // …unless --port and --host say everything (the detached engine's own `up` inherits the environment).
    expect(listenAddress({ port: 5000, host: '127.0.0.1' }, {}, { EVLAB_ENDPOINT: 'ftp://x' })).toMatchObject({ port: 5000, host: '127.0.0.1' });
  });
});

describe('upCommand: the port-in-use hint keeps the user\'s flags', () => {
  it('suggests the given port with --detach, --host, --persist and --retry-delay', () => {
    expect(upCommand({ port: 4671, host: '127.0.0.1', detach: true })).toBe('evlab up --detach --port 4671');
    expect(upCommand({ port: 4567, host: '127.0.0.1' })).toBe('evlab up --port 4567');
    expect(upCommand({ port: 4671, host: '0.0.0.0', detach: true, persist: '/tmp/my state', retryDelay: 10 })).toBe(
      "evlab up --detach --port 4671 --host 0.0.0.0 --persist '/tmp/my state' --retry-delay 10",
    );
  });
});

describe('reaches / engineUrl', () => {
  it('matches an engine URL with the endpoint that reaches it', () => {
    expect(reaches('http://localhost:4600', 'http://127.0.0.1:4600')).toBe(true);
    expect(reaches('http://127.0.0.1:4566', 'http://127.0.0.1:4600')).toBe(false);
    expect(reaches(undefined, 'http://127.0.0.1:4600')).toBe(false);
  });

  it('reaches wildcard hosts through loopback and brackets IPv6', () => {
    expect(engineUrl('0.0.0.0', 1)).toBe('http://127.0.0.1:1');
    expect(engineUrl('::1', 2)).toBe('http://[::1]:2');
    expect(engineUrl('localhost', 3)).toBe('http://localhost:3');
  });
});
