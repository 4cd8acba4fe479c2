import { describe, expect, it } from 'vitest';
import { parseRouteKey, selectRoute } from '../../../src/engine/apigateway/routing.js';
import { applyRequestParameters } from '../../../src/engine/apigateway/parameter-mapping.js';
import { formatAccessLog, logGroupOfArn } from '../../../src/engine/apigateway/access-log.js';
import { mapV2Response } from '../../../src/engine/apigateway/payload-v2.js';
import type { HttpCall } from '../../../src/engine/apigateway/http-call.js';

// Pure pieces of the API Gateway emulation, without a server.
const routes = ['$default', 'ANY /{proxy+}', 'GET /items/{id}', 'GET /items/special', 'ANY /items/{id}', 'GET /items/{id}/parts/{proxy+}', 'GET /'].map((routeKey) => ({ routeKey }));
const pick = (method: string, path: string) => {
  const found = selectRoute(routes, method, path);
  return found && { key: found.route.routeKey, params: found.pathParameters };
};

describe('route selection', () => {
  it('prefers literal segments, then variables, then greedy variables; a method over ANY; else $default', () => {
    expect(pick('GET', '/items/special')).toEqual({ key: 'GET /items/special', params: {} });
    expect(pick('GET', '/items/42')).toEqual({ key: 'GET /items/{id}', params: { id: '42' } });
    expect(pick('PUT', '/items/42')).toEqual({ key: 'ANY /items/{id}', params: { id: '42' } });
    expect(pick('GET', '/items/42/parts/a/b')).toEqual({ key: 'GET /items/{id}/parts/{proxy+}', params: { id: '42', proxy: 'a/b' } });
    expect(pick('GET', '/other/deep/path')).toEqual({ key: 'ANY /{proxy+}', params: { proxy: 'other/deep/path' } });
    expect(pick('GET', '/')).toEqual({ key: 'GET /', params: {} });
    // A greedy variable needs at least one segment: / with POST falls through to $default.
    expect(pick('POST', '/')).toEqual({ key: '$default', params: {} });
    expect(pick('GET', '/items/a%2Fb')).toEqual({ key: 'GET /items/{id}', params: { id: 'a/b' } });
    expect(selectRoute([{ routeKey: 'GET /only' }], 'GET', '/else')).toBeUndefined();
  });

  it('rejects invalid route keys with BadRequestException', () => {
    expect(parseRouteKey('$default')).toBeUndefined();
    expect(parseRouteKey('GET /a/{b}/{c+}')?.segments).toEqual([
      { kind: 'literal', value: 'a' },
      { kind: 'param', name: 'b' },
      { kind: 'greedy', name: 'c' },
    ]);
    for (const bad of ['get /x', 'GET  /x', 'GET x', 'GET /{a+}/b', 'GET /{a}/{a}', 'GET /a{b}', 'TRACE /x', '', 'GET /x//y']) {
      expect(() => parseRouteKey(bad), bad).toThrow(expect.objectContaining({ code: 'BadRequestException', status: 400 }));
    }
  });
});

describe('parameter mapping, access log formats, response mapping', () => {
  const call: HttpCall = {
    method: 'GET',
    rawPath: '/dev/v1/jobs',
    rawQueryString: 'a=1&b=2',
    headerPairs: [['X-Keep', 'k'], ['X-Drop', 'd']],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    domainName: 'localhost',
    domainPrefix: 'abc',
    requestId: 'r1',
    timeEpoch: 0,
  };

  it('overwrites the path and edits headers and query strings', () => {
    const mapped = applyRequestParameters(
      {
        'overwrite:path': '$request.path',
        'remove:header.x-drop': "''",
        'append:header.x-stage': 'stage-$context.stage',
        'overwrite:querystring.a': '$request.querystring.b',
        'remove:querystring.b': "''",
      },
      { call, path: '/v1/jobs', pathParameters: {}, stageVariables: {}, context: { stage: 'dev' } },
    );
    expect(mapped).toEqual({ path: '/v1/jobs', headerPairs: [['X-Keep', 'k'], ['x-stage', 'stage-dev']], rawQueryString: 'a=2' });
  });

  it('substitutes $context variables and prints - for missing ones', () => {
    expect(formatAccessLog('$context.requestId [$context.requestTime] "$context.httpMethod" $context.status ${context.nope}', { requestId: 'r1', requestTime: 't', httpMethod: 'GET', status: 200 })).toBe(
      'r1 [t] "GET" 200 -',
    );
    expect(logGroupOfArn('arn:aws:logs:us-east-1:000000000000:log-group:/aws/api/x:*')).toBe('/aws/api/x');
    expect(logGroupOfArn('arn:aws:s3:::bucket')).toBeUndefined();
  });

  it('treats JSON without statusCode as a 200 body and rejects malformed proxy responses', () => {
    expect(mapV2Response(Buffer.from('{"a":1}'))).toMatchObject({ status: 200, body: Buffer.from('{"a":1}') });
    expect(mapV2Response(Buffer.from('"hi"'))?.body.toString()).toBe('hi');
    expect(mapV2Response(Buffer.from('{"statusCode":204}'))).toMatchObject({ status: 204 });
    for (const bad of ['{"statusCode":"x"}', '{"statusCode":200,"body":{}}', '{"statusCode":200,"headers":[]}', '{"statusCode":200,"cookies":"a=1"}', 'not json']) {
      expect(mapV2Response(Buffer.from(bad)), bad).toBeUndefined();
    }
  });
});
