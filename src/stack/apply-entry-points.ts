import { resolve } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createApi, deleteApi, updateHttpApi, type ApiArns } from '../aws/resources/apis.js';
import { createBucket, deleteBucket, filesToUpload, putFiles, putNotifications } from '../aws/resources/buckets.js';
import { createFunctionUrl, deleteFunctionUrl, updateFunctionUrl } from '../aws/resources/function-urls.js';
import { addServicePermission } from '../aws/resources/permissions.js';
import type { Applier, ApplyContext, ArnResolver } from './apply.js';
import type { PermissionState, ResourceType } from './model.js';

/** Creating, updating and deleting buckets, APIs, notification configurations and function URLs. */
export const ENTRY_POINT_APPLIERS: Record<Extract<ResourceType, 'bucket' | 'api' | 'notification' | 'function-url'>, Applier> = {
  async bucket(change, ctx) {
    const s3 = await ctx.clients.s3();
    const name = change.resource.name;
    if (change.action === 'delete') {
      // S3 refuses to delete a bucket that holds objects: it is emptied first.
      await deleteBucket(s3, name);
      return;
    }
    await createBucket(s3, name, ctx.refs.region);
    // Seed objects are uploaded only when setup creates the bucket: later runs never overwrite the data.
    const folder = ctx.stack.buckets?.[name]?.objects;
    if (folder) await putFiles(s3, name, await filesToUpload([resolve(ctx.dir ?? '.', folder)], ''), { signal: ctx.signal });
  },

  async api(change, ctx, arns) {
    const name = change.resource.name;
    if (change.action === 'delete') {
      const api = ctx.actual.apis[name];
      const id = ctx.refs.apiIds[name];
      if (api && id) await deleteApi(ctx.clients, api.type, id);
      delete ctx.refs.apiIds[name];
      delete ctx.refs.apiEndpoints[name];
      return;
    }
    const api = ctx.desired.apis[name]!;
    const id = ctx.refs.apiIds[name];
    if (change.action === 'update' && id) {
      await updateHttpApi(ctx.clients, id, api, ctx.actual.apis[name]!, apiArns(ctx, arns));
      return;
    }
    const created = await createApi(ctx.clients, api, apiArns(ctx, arns));
    ctx.refs.apiIds[name] = created.id;
    if (created.apiEndpoint) ctx.refs.apiEndpoints[name] = created.apiEndpoint;
  },

  async notification(change, ctx, arns) {
    const s3 = await ctx.clients.s3();
    const bucket = change.resource.name;
    // An empty configuration is how S3 removes notifications.
    const rules = change.action === 'delete' ? [] : ctx.desired.notifications[bucket]!.rules;
    await putNotifications(s3, bucket, rules, async (rule) => (rule.destination.kind === 'queue' ? arns.queue(rule.destination.name) : arns.functionArn(rule.destination.name)));
  },

  async 'function-url'(change, ctx) {
    const lambda = await ctx.clients.lambda();
    const fn = change.resource.name;
    if (change.action === 'delete') await deleteFunctionUrl(lambda, fn);
    else if (change.action === 'update') await updateFunctionUrl(lambda, fn);
    else await createFunctionUrl(lambda, fn);
  },
};

function apiArns(ctx: ApplyContext, arns: ArnResolver): ApiArns {
  return { region: ctx.refs.region, functionArn: (name) => arns.functionArn(name), logGroupArn: (name) => arns.logGroupArn(name) };
}

/** The invoke permission a bucket's notifications, an API's routes or a function URL needs. */
export async function addEntryPointPermission(lambda: LambdaClient, wanted: PermissionState, ctx: ApplyContext, arns: ArnResolver): Promise<void> {
  const source = wanted.source!;
  if (source.kind === 'bucket') {
    await addServicePermission(lambda, wanted.function, wanted.statementId, { principal: 's3.amazonaws.com', sourceArn: `arn:aws:s3:::${source.name}` });
  } else if (source.kind === 'api') {
    const id = ctx.refs.apiIds[source.name] ?? '*';
    await addServicePermission(lambda, wanted.function, wanted.statementId, { principal: 'apigateway.amazonaws.com', sourceArn: arns.build('execute-api', `${id}/*`) });
  } else {
    await addServicePermission(lambda, wanted.function, wanted.statementId, { principal: '*', action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE' });
  }
}
