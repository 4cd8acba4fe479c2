import type { EngineRequest, EngineResponse } from '../types.js';
import { toXml, type XmlNode, type XmlValue } from '../protocol/xml.js';
import type { Input } from './input.js';
import type { OperationContext, Output } from './operation-context.js';
import { operationFor } from './operations.js';

export const SQS_XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

/**
 * The query protocol (form-encoded `Action=...&Version=2012-11-05`, XML answers) that older SDKs and
 * tools still send. Requests are turned into the JSON protocol's input shape, so both protocols share
 * one implementation of every operation.
 */
export async function handleQueryRequest(oc: OperationContext, req: EngineRequest): Promise<EngineResponse> {
  const action = req.operation;
  const run = operationFor(action);
  const output = await run(oc, queryInput(req, action!));
  return xmlResponse(action!, resultXml(action!, output), req.requestId);
}

/** The XML result of an operation, or undefined for operations whose response has no result element. */
export function resultXml(action: string, output: Output): XmlNode | undefined {
  return Object.hasOwn(XML_RESULTS, action) ? XML_RESULTS[action](output) : undefined;
}

/** Query parameters (URL and form body) with flattened lists and maps, e.g. `Attribute.1.Name`. */
export function queryInput(req: Pick<EngineRequest, 'query' | 'body' | 'headers'>, action: string): Input {
  const params = new URLSearchParams(req.query);
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(req.body.toString('utf8'))) params.append(key, value);
  }
  const tree: Tree = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version' || key.startsWith('X-Amz-') || key === 'AWSAccessKeyId' || key.startsWith('Signature')) continue;
    const path = key.split('.');
    if (path.some((part) => part === '__proto__' || part === 'constructor' || part === 'prototype')) continue;
    insert(tree, path, value);
  }
  return convert(tree, action);
}

interface Tree {
  [key: string]: string | Tree;
}

function insert(tree: Tree, path: string[], value: string): void {
  let node = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]];
    if (typeof next === 'object') node = next;
    else node = node[path[i]] = {};
  }
  node[path[path.length - 1]] = value;
}

type Rule =
  | { kind: 'list'; name: string }
  | { kind: 'map'; name: string; key: string; value: string; struct?: boolean }
  | { kind: 'structs'; name: string };

// Flattened member names of the 2012-11-05 query API and the JSON member each one becomes.
const RULES: Record<string, Rule> = {
  Attribute: { kind: 'map', name: 'Attributes', key: 'Name', value: 'Value' },
  AttributeName: { kind: 'list', name: 'AttributeNames' },
  MessageSystemAttributeName: { kind: 'list', name: 'MessageSystemAttributeNames' },
  MessageAttributeName: { kind: 'list', name: 'MessageAttributeNames' },
  MessageAttribute: { kind: 'map', name: 'MessageAttributes', key: 'Name', value: 'Value', struct: true },
  MessageSystemAttribute: { kind: 'map', name: 'MessageSystemAttributes', key: 'Name', value: 'Value', struct: true },
  TagKey: { kind: 'list', name: 'TagKeys' },
  SendMessageBatchRequestEntry: { kind: 'structs', name: 'Entries' },
  DeleteMessageBatchRequestEntry: { kind: 'structs', name: 'Entries' },
  ChangeMessageVisibilityBatchRequestEntry: { kind: 'structs', name: 'Entries' },
  StringListValue: { kind: 'list', name: 'StringListValues' },
  BinaryListValue: { kind: 'list', name: 'BinaryListValues' },
};

function convert(node: Tree, action: string): Input {
  const out: Input = {};
  for (const [key, value] of Object.entries(node)) {
    // CreateQueue's tags member is lower-case `tags` in JSON, TagQueue's is `Tags`.
    const rule: Rule | undefined =
      key === 'Tag' ? { kind: 'map', name: action === 'CreateQueue' ? 'tags' : 'Tags', key: 'Key', value: 'Value' } : RULES[key];
    if (!rule) {
      out[key] = typeof value === 'string' ? value : convert(value, action);
    } else if (rule.kind === 'list') {
      out[rule.name] = indexed(value).map((v) => (typeof v === 'string' ? v : ''));
    } else if (rule.kind === 'structs') {
      out[rule.name] = indexed(value).map((v) => (typeof v === 'string' ? {} : convert(v, action)));
    } else {
      const map: Input = {};
      for (const entry of indexed(value)) {
        if (typeof entry === 'string') continue;
        const name = entry[rule.key];
        const item = entry[rule.value];
        if (typeof name !== 'string') continue;
        map[name] = rule.struct ? (typeof item === 'object' ? convert(item, action) : {}) : (typeof item === 'string' ? item : '');
      }
      out[rule.name] = map;
    }
  }
  return out;
}

/** `{ "2": b, "1": a }` → `[a, b]`; a bare value (`AttributeName=All`) is a one-element list. */
function indexed(value: string | Tree): (string | Tree)[] {
  if (typeof value === 'string') return [value];
  return Object.keys(value)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => value[k]);
}

const pairs = (map: unknown, key: string, value: string): XmlNode[] =>
  Object.entries((map ?? {}) as Record<string, unknown>).map(([k, v]) => ({ [key]: k, [value]: v as XmlValue }));

const batchResult = (entryTag: string) => (o: Output) => ({ [entryTag]: o.Successful as XmlNode[], BatchResultErrorEntry: o.Failed as XmlNode[] });

/** The XML `<Action>Result` of each operation that has one, from the JSON-shaped output. */
const XML_RESULTS: Record<string, (o: Output) => XmlNode> = {
  CreateQueue: (o) => ({ QueueUrl: o.QueueUrl as string }),
  GetQueueUrl: (o) => ({ QueueUrl: o.QueueUrl as string }),
  ListQueues: (o) => ({ QueueUrl: (o.QueueUrls ?? []) as string[], NextToken: o.NextToken as string | undefined }),
  ListDeadLetterSourceQueues: (o) => ({ QueueUrl: o.queueUrls as string[] }),
  GetQueueAttributes: (o) => ({ Attribute: pairs(o.Attributes, 'Name', 'Value') }),
  ListQueueTags: (o) => ({ Tag: pairs(o.Tags, 'Key', 'Value') }),
  SendMessage: (o) => o as XmlNode,
  SendMessageBatch: batchResult('SendMessageBatchResultEntry'),
  DeleteMessageBatch: batchResult('DeleteMessageBatchResultEntry'),
  ChangeMessageVisibilityBatch: batchResult('ChangeMessageVisibilityBatchResultEntry'),
  ReceiveMessage: (o) => ({ Message: ((o.Messages ?? []) as Output[]).map(messageXml) }),
};

function messageXml(m: Output): XmlNode {
  return {
    MessageId: m.MessageId as string,
    ReceiptHandle: m.ReceiptHandle as string,
    MD5OfBody: m.MD5OfBody as string,
    Body: m.Body as string,
    Attribute: pairs(m.Attributes, 'Name', 'Value'),
    MD5OfMessageAttributes: m.MD5OfMessageAttributes as string | undefined,
    MessageAttribute: pairs(m.MessageAttributes, 'Name', 'Value'),
  };
}

/** `<ActionResponse>` with `<ActionResult>` when the operation has a result (even an empty one). */
export function xmlResponse(action: string, result: XmlNode | undefined, requestId: string): EngineResponse {
  const inner = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?><${action}Response xmlns="${SQS_XMLNS}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}
