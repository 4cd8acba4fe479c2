// Figure — API Gateway request latency: one request in flight through an HTTP API (route ANY /{proxy+},
// AWS_PROXY payload 2.0) and a REST API ({proxy+}/ANY) to a warm Node lambda, p50 and p99 per run,
// against the same function invoked directly with the SDK (Lambda Invoke), which is the floor an
// invoke URL adds its own routing and event mapping to. moto runs no Lambda code without Docker.
import { Agent, request } from 'node:http';
import { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand } from '@aws-sdk/client-apigatewayv2';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clientsFor } from './clients.mjs';
import { engineFor } from './event-flow.mjs';
import { deployFunction, ensureRole, zipFixture } from './lambda.mjs';
import { percentile, summarize } from './stats.mjs';

export const id = 'apigateway';
export const title = 'API Gateway latency';

const NO_MOTO = 'n/a (moto runs no Lambda code without Docker)';

function get(agent, url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url} answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `count` sequential calls of `once`; returns the per-call latencies in ms, ascending. */
async function latencies(count, once) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await once(i);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export async function measure(fig, ctx) {
  const { cfg } = ctx;
  const rows = {
    httpP50: 'HTTP API → Node lambda: p50 latency',
    httpP99: 'HTTP API → Node lambda: p99 latency',
    restP50: 'REST API → Node lambda: p50 latency',
    restP99: 'REST API → Node lambda: p99 latency',
  };
  for (const name of Object.values(rows)) fig.declare(name, { peerName: 'SDK Invoke of the same function' });

  const { engine, shared, release } = await engineFor(ctx);
  const clients = clientsFor(engine.url);
  const config = { endpoint: engine.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const v2 = new ApiGatewayV2Client(config);
  const v1 = new APIGatewayClient(config);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await ensureRole(clients);
    const fnArn = await deployFunction(clients, { name: 'bench-api-hello', runtime: 'nodejs20.x', handler: 'index.handler', zip: await zipFixture('api-node') });

    const api = await v2.send(new CreateApiCommand({ Name: 'bench-http', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn, PayloadFormatVersion: '2.0' }));
    await v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'ANY /{proxy+}', Target: `integrations/${integration.IntegrationId}` }));
    await v2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: 'bench', AutoDeploy: true }));
    const httpUrl = `${engine.url}/_aws/execute-api/${api.ApiId}/bench/items/1`;

    const rest = await v1.send(new CreateRestApiCommand({ name: 'bench-rest' }));
    const root = (await v1.send(new GetResourcesCommand({ restApiId: rest.id }))).items.find((r) => r.path === '/');
    const proxy = await v1.send(new CreateResourceCommand({ restApiId: rest.id, parentId: root.id, pathPart: '{proxy+}' }));
    await v1.send(new PutMethodCommand({ restApiId: rest.id, resourceId: proxy.id, httpMethod: 'ANY', authorizationType: 'NONE' }));
    await v1.send(
      new PutIntegrationCommand({
        restApiId: rest.id,
        resourceId: proxy.id,
        httpMethod: 'ANY',
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
      }),
    );
    await v1.send(new CreateDeploymentCommand({ restApiId: rest.id, stageName: 'bench' }));
    const restUrl = `${engine.url}/_aws/execute-api/${rest.id}/bench/items/1`;

    const invoke = () => clients.lambda.send(new InvokeCommand({ FunctionName: 'bench-api-hello', Payload: Buffer.from('{}') }));
    const subjects = {
      http: () => get(agent, httpUrl),
      rest: () => get(agent, restUrl),
      invoke,
    };
    const { warmup, requests, runs } = cfg.apigateway;
    for (const once of Object.values(subjects)) await latencies(warmup, once);
    const p = { http: { p50: [], p99: [] }, rest: { p50: [], p99: [] }, invoke: { p50: [], p99: [] } };
    for (let run = 0; run < runs; run++) {
      for (const [name, once] of Object.entries(subjects)) {
        const sorted = await latencies(requests, once);
        p[name].p50.push(percentile(sorted, 50));
        p[name].p99.push(percentile(sorted, 99));
      }
    }
    const s = (list) => summarize(list, 'ms');
    fig.set(rows.httpP50, { evlab: s(p.http.p50), peer: s(p.invoke.p50) });
    fig.set(rows.httpP99, { evlab: s(p.http.p99), peer: s(p.invoke.p99) });
    fig.set(rows.restP50, { evlab: s(p.rest.p50), peer: s(p.invoke.p50) });
    fig.set(rows.restP99, { evlab: s(p.rest.p99), peer: s(p.invoke.p99) });
    fig.note(
      `${requests} sequential GETs per run (keep-alive, one socket) through /_aws/execute-api/<apiId>/bench/items/1, after ${warmup} warm-up requests; p50 and p99 are per run, the table shows their median over ${runs} run(s). The peer is a SigV4-signed Lambda Invoke of the same function through the SDK; ${NO_MOTO}.${shared ? ' (--quick: on the event-flow engine.)' : ''}`,
    );
  } finally {
    agent.destroy();
    v1.destroy();
    v2.destroy();
    clients.destroy();
    await release();
  }
}
