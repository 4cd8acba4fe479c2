import { randomUUID } from 'node:crypto';
import type { EngineRequest, EngineResponse } from '../../types.js';
import { parseJsonBody, restJsonResponse } from '../../protocol/encode.js';
import { parseArn, parseFunctionRef } from '../arn.js';
import type { LambdaCore } from '../core.js';
import { conflict, constraint, invalidParameter, resourceNotFound } from '../errors.js';
import { validateFilterCriteria } from '../esm.js';
import type { EventSourceMapping } from '../model.js';

type Json = Record<string, unknown>;

export async function createEventSourceMapping(core: LambdaCore, req: EngineRequest): Promise<EngineResponse> {
  const { store } = core;
  const body = parseJsonBody(req.body);
  const sourceArn = body.EventSourceArn;
  if (typeof sourceArn !== 'string' || !sourceArn) throw invalidParameter('Unrecognized event source.');
  if (parseArn(sourceArn)?.service !== 'sqs') {
    throw invalidParameter(`The evlab engine supports SQS event sources only; ${sourceArn} is not an SQS queue ARN.`);
  }
  const ref = parseFunctionRef(body.FunctionName);
  let fn;
  try {
    fn = store.requireRef(ref, req.region);
  } catch {
    throw invalidParameter('Function does not exist');
  }
  const sqs = await core.ctx.service('sqs');
  if (!sqs.queueExists(sourceArn)) {
    throw invalidParameter(
      'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.',
    );
  }
  for (const existing of store.mappings.values()) {
    if (existing.functionArn === store.arn(fn.region, fn.name, ref.qualifier) && existing.eventSourceArn === sourceArn) {
      throw conflict(
        `An event source mapping with SQS arn (" ${sourceArn} ") and function (" ${fn.name} ") already exists. Please update or delete the existing mapping with UUID ${existing.uuid}`,
      );
    }
  }
  const mapping: EventSourceMapping = {
    uuid: randomUUID(),
    region: req.region,
    eventSourceArn: sourceArn,
    // A mapping to an alias keeps the alias: each batch goes to the version it names then.
    functionArn: store.arn(fn.region, fn.name, ref.qualifier),
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    enabled: body.Enabled !== false,
    state: 'Creating',
    functionResponseTypes: [],
    lastModified: Date.now() / 1000,
  };
  await applySettings(mapping, body);
  store.mappings.set(mapping.uuid, mapping);
  const reply = mappingConfiguration(core, mapping);
  settle(core, mapping);
  return restJsonResponse(202, reply);
}

export function getEventSourceMapping(core: LambdaCore, uuid: string): EngineResponse {
  return restJsonResponse(200, mappingConfiguration(core, requireMapping(core, uuid)));
}

export function listEventSourceMappings(core: LambdaCore, req: EngineRequest): EngineResponse {
  const sourceArn = req.query.get('EventSourceArn');
  const functionName = req.query.get('FunctionName');
  let functionArn: string | undefined;
  if (functionName) {
    const ref = parseFunctionRef(functionName);
    functionArn = core.store.arn(ref.region ?? req.region, ref.name, ref.qualifier);
  }
  const all = [...core.store.mappings.values()].filter(
    (m) => m.region === req.region && (!sourceArn || m.eventSourceArn === sourceArn) && (!functionArn || m.functionArn === functionArn),
  );
  const maxItems = Math.max(1, Math.min(10000, Number(req.query.get('MaxItems') ?? 100) || 100));
  const marker = req.query.get('Marker');
  const start = marker ? Math.max(0, all.findIndex((m) => m.uuid === marker)) : 0;
  const page = all.slice(start, start + maxItems);
  const body: Json = { EventSourceMappings: page.map((m) => mappingConfiguration(core, m)) };
  if (start + maxItems < all.length) body.NextMarker = all[start + maxItems].uuid;
  return restJsonResponse(200, body);
}

export async function updateEventSourceMapping(core: LambdaCore, req: EngineRequest, uuid: string): Promise<EngineResponse> {
  const mapping = requireMapping(core, uuid);
  const body = parseJsonBody(req.body);
  if (body.FunctionName !== undefined) {
    const ref = parseFunctionRef(body.FunctionName);
    let fn;
    try {
      fn = core.store.requireRef(ref, req.region);
    } catch {
      throw invalidParameter('Function does not exist');
    }
    mapping.functionArn = core.store.arn(fn.region, fn.name, ref.qualifier);
  }
  await applySettings(mapping, body);
  const wasEnabled = mapping.enabled;
  if (typeof body.Enabled === 'boolean') mapping.enabled = body.Enabled;
  mapping.state = mapping.enabled === wasEnabled ? 'Updating' : mapping.enabled ? 'Enabling' : 'Disabling';
  mapping.lastModified = Date.now() / 1000;
  const reply = mappingConfiguration(core, mapping);
  settle(core, mapping);
  return restJsonResponse(202, reply);
}

export function deleteEventSourceMapping(core: LambdaCore, uuid: string): EngineResponse {
  const mapping = requireMapping(core, uuid);
  core.store.mappings.delete(uuid);
  core.pollers.remove(uuid);
  mapping.state = 'Deleting';
  return restJsonResponse(202, mappingConfiguration(core, mapping));
}

/** Creating/Updating/Enabling/Disabling → Enabled or Disabled on the next turn, as the poller (re)starts. */
export function settle(core: LambdaCore, mapping: EventSourceMapping): void {
  setImmediate(() => {
    if (core.store.mappings.get(mapping.uuid) !== mapping) return;
    mapping.state = mapping.enabled ? 'Enabled' : 'Disabled';
    core.pollers.sync(mapping);
  });
}

export function mappingConfiguration(core: LambdaCore, m: EventSourceMapping): Json {
  const config: Json = {
    UUID: m.uuid,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    EventSourceArn: m.eventSourceArn,
    FunctionArn: m.functionArn,
    LastModified: m.lastModified,
    State: m.state,
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: [...m.functionResponseTypes],
    EventSourceMappingArn: `arn:aws:lambda:${m.region}:${core.store.account}:event-source-mapping:${m.uuid}`,
  };
  if (m.filterCriteria !== undefined) config.FilterCriteria = m.filterCriteria;
  if (m.maximumConcurrency !== undefined) config.ScalingConfig = { MaximumConcurrency: m.maximumConcurrency };
  if (m.lastProcessingResult) config.LastProcessingResult = m.lastProcessingResult;
  return config;
}

async function applySettings(mapping: EventSourceMapping, body: Json): Promise<void> {
  const fifo = mapping.eventSourceArn.endsWith('.fifo');
  const batchSize = body.BatchSize ?? mapping.batchSize;
  const window = body.MaximumBatchingWindowInSeconds ?? mapping.maximumBatchingWindowInSeconds;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    throw constraint(batchSize, 'batchSize', 'Member must have value greater than or equal to 1');
  }
  if (batchSize > (fifo ? 10 : 10000)) throw constraint(batchSize, 'batchSize', `Member must have value less than or equal to ${fifo ? 10 : 10000}`);
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0 || window > 300) {
    throw constraint(window, 'maximumBatchingWindowInSeconds', 'Member must have value less than or equal to 300');
  }
  if (batchSize > 10 && window === 0) {
    throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  mapping.batchSize = batchSize;
  mapping.maximumBatchingWindowInSeconds = window;
  if (Array.isArray(body.FunctionResponseTypes)) {
    for (const t of body.FunctionResponseTypes) {
      if (t !== 'ReportBatchItemFailures') {
        throw constraint(`[${String(t)}]`, 'functionResponseTypes', 'Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]');
      }
    }
    mapping.functionResponseTypes = body.FunctionResponseTypes as string[];
  }
  const scaling = (body.ScalingConfig as Json | undefined)?.MaximumConcurrency;
  if (typeof scaling === 'number') {
    if (scaling < 2 || scaling > 1000) throw constraint(scaling, 'scalingConfig.maximumConcurrency', 'Member must have value greater than or equal to 2');
    mapping.maximumConcurrency = scaling;
  }
  if (body.FilterCriteria !== undefined) {
    if (!(await validateFilterCriteria(body.FilterCriteria))) throw invalidParameter('Invalid filter pattern definition.');
    mapping.filterCriteria = body.FilterCriteria;
  }
}

function requireMapping(core: LambdaCore, uuid: string): EventSourceMapping {
  const mapping = core.store.mappings.get(uuid);
  if (!mapping) throw resourceNotFound('The resource you requested does not exist.');
  return mapping;
}
