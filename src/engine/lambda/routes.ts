import type { EngineRequest, EngineResponse } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';
import type { LambdaCore } from './core.js';
import * as esm from './api/event-source-mappings.js';
import * as eic from './api/event-invoke-config.js';
import * as functions from './api/functions.js';
import { invokeFunction } from './api/invoke.js';
import * as misc from './api/misc.js';
import * as permissions from './api/permissions.js';
import * as aliases from './api/aliases.js';
import * as versions from './api/versions.js';
import * as urls from './api/function-urls.js';

type Handler = (core: LambdaCore, req: EngineRequest, params: string[]) => EngineResponse | Promise<EngineResponse>;

const FN = '/functions/([^/]+)';
// Lambda's REST routes (method, path) as the API model defines them; path parameters are URL-encoded.
const ROUTES: [string, RegExp, Handler][] = [
  ['POST', re(`/2015-03-31/functions/?`), (c, r) => functions.createFunction(c, r)],
  ['GET', re(`/2015-03-31/functions/?`), (c, r) => functions.listFunctions(c, r)],
  ['GET', re(`/2015-03-31${FN}/?`), (c, r, [n]) => functions.getFunction(c, r, n)],
  ['DELETE', re(`/2015-03-31${FN}/?`), (c, r, [n]) => functions.deleteFunction(c, r, n)],
  ['GET', re(`/2015-03-31${FN}/configuration/?`), (c, r, [n]) => functions.getFunctionConfiguration(c, r, n)],
  ['PUT', re(`/2015-03-31${FN}/configuration/?`), (c, r, [n]) => functions.updateFunctionConfiguration(c, r, n)],
  ['PUT', re(`/2015-03-31${FN}/code/?`), (c, r, [n]) => functions.updateFunctionCode(c, r, n)],
  ['GET', re(`/2015-03-31${FN}/evlab-code/([0-9a-f]{64})\\.zip`), (c, r, [n, sha]) => functions.downloadCode(c, r, n, sha)],
  ['POST', re(`/2015-03-31${FN}/invocations/?`), (c, r, [n]) => invokeFunction(c, r, n)],
  ['POST', re(`/2015-03-31${FN}/policy/?`), (c, r, [n]) => permissions.addPermission(c, r, n)],
  ['GET', re(`/2015-03-31${FN}/policy/?`), (c, r, [n]) => permissions.getPolicy(c, r, n)],
  ['DELETE', re(`/2015-03-31${FN}/policy/([^/]+)/?`), (c, r, [n, sid]) => permissions.removePermission(c, r, n, sid)],
  ['POST', re(`/2015-03-31${FN}/versions/?`), (c, r, [n]) => versions.publishVersion(c, r, n)],
  ['GET', re(`/2015-03-31${FN}/versions/?`), (c, r, [n]) => versions.listVersionsByFunction(c, r, n)],
  ['POST', re(`/2015-03-31${FN}/aliases/?`), (c, r, [n]) => aliases.createAlias(c, r, n)],
  ['GET', re(`/2015-03-31${FN}/aliases/?`), (c, r, [n]) => aliases.listAliases(c, r, n)],
  ['GET', re(`/2015-03-31${FN}/aliases/([^/]+)/?`), (c, r, [n, a]) => aliases.getAlias(c, r, n, a)],
  ['PUT', re(`/2015-03-31${FN}/aliases/([^/]+)/?`), (c, r, [n, a]) => aliases.updateAlias(c, r, n, a)],
  ['DELETE', re(`/2015-03-31${FN}/aliases/([^/]+)/?`), (c, r, [n, a]) => aliases.deleteAlias(c, r, n, a)],
  ['PUT', re(`/2019-09-25${FN}/event-invoke-config/?`), (c, r, [n]) => eic.putEventInvokeConfig(c, r, n, false)],
  ['POST', re(`/2019-09-25${FN}/event-invoke-config/?`), (c, r, [n]) => eic.putEventInvokeConfig(c, r, n, true)],
  ['GET', re(`/2019-09-25${FN}/event-invoke-config/?`), (c, r, [n]) => eic.getEventInvokeConfig(c, r, n)],
  ['DELETE', re(`/2019-09-25${FN}/event-invoke-config/?`), (c, r, [n]) => eic.deleteEventInvokeConfig(c, r, n)],
  ['GET', re(`/2019-09-25${FN}/event-invoke-config/list/?`), (c, r, [n]) => eic.listEventInvokeConfigs(c, r, n)],
  ['POST', re(`/2015-03-31/event-source-mappings/?`), (c, r) => esm.createEventSourceMapping(c, r)],
  ['GET', re(`/2015-03-31/event-source-mappings/?`), (c, r) => esm.listEventSourceMappings(c, r)],
  ['GET', re(`/2015-03-31/event-source-mappings/([^/]+)/?`), (c, _r, [id]) => esm.getEventSourceMapping(c, id)],
  ['PUT', re(`/2015-03-31/event-source-mappings/([^/]+)/?`), (c, r, [id]) => esm.updateEventSourceMapping(c, r, id)],
  ['DELETE', re(`/2015-03-31/event-source-mappings/([^/]+)/?`), (c, _r, [id]) => esm.deleteEventSourceMapping(c, id)],
  ['GET', re(`/2017-03-31/tags/([^/]+)/?`), (c, r, [arn]) => misc.listTags(c, r, arn)],
  ['POST', re(`/2017-03-31/tags/([^/]+)/?`), (c, r, [arn]) => misc.tagResource(c, r, arn)],
  ['DELETE', re(`/2017-03-31/tags/([^/]+)/?`), (c, r, [arn]) => misc.untagResource(c, r, arn)],
  ['PUT', re(`/2017-10-31${FN}/concurrency/?`), (c, r, [n]) => misc.putFunctionConcurrency(c, r, n)],
  ['GET', re(`/2019-09-30${FN}/concurrency/?`), (c, r, [n]) => misc.getFunctionConcurrency(c, r, n)],
  ['DELETE', re(`/2017-10-31${FN}/concurrency/?`), (c, r, [n]) => misc.deleteFunctionConcurrency(c, r, n)],
  ['GET', re(`/2016-08-19/account-settings/?`), (c, r) => misc.getAccountSettings(c, r)],
  ['POST', re(`/2021-10-31${FN}/url/?`), (c, r, [n]) => urls.createFunctionUrlConfig(c, r, n)],
  ['GET', re(`/2021-10-31${FN}/url/?`), (c, r, [n]) => urls.getFunctionUrlConfig(c, r, n)],
  ['PUT', re(`/2021-10-31${FN}/url/?`), (c, r, [n]) => urls.updateFunctionUrlConfig(c, r, n)],
  ['DELETE', re(`/2021-10-31${FN}/url/?`), (c, r, [n]) => urls.deleteFunctionUrlConfig(c, r, n)],
  ['GET', re(`/2021-10-31${FN}/urls/?`), (c, r, [n]) => urls.listFunctionUrlConfigs(c, r, n)],
];

function re(path: string): RegExp {
  return new RegExp(`^${path}$`);
}

export async function routeLambdaRequest(core: LambdaCore, req: EngineRequest): Promise<EngineResponse> {
  for (const [method, pattern, handler] of ROUTES) {
    if (req.method !== method) continue;
    const match = pattern.exec(req.path);
    if (!match) continue;
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new AwsError('ValidationException', 400, `Invalid URL encoding in ${req.path}`);
    }
    return handler(core, req, params);
  }
  throw new AwsError(
    'UnknownOperationException',
    404,
    `The evlab engine does not implement ${req.method} ${req.path} (Lambda: functions, invoke, permissions, event invoke configs, SQS event source mappings, function URLs, versions, aliases, tags).`,
  );
}
