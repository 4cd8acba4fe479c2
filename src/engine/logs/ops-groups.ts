import { findGroup, groupArn, type OpContext, type Operation } from './context.js';
import { constraintViolation, groupExists, invalidParameter } from './errors.js';
import { expireByRetention } from './retention.js';
import { newGroup, type LogGroup } from './state.js';
import { listToken, parseListToken } from './tokens.js';
import { LOG_GROUP_NAME, groupNameFromIdentifier, readGroupName, readInteger, readString, readStringList, readTags, type Input } from './validation.js';
import { AwsError } from '../protocol/aws-error.js';

const LOG_GROUP_CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];
/** The retention periods PutRetentionPolicy accepts (the `Days` shape of the API model). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const MAX_TAGS = 50;

export const createLogGroup: Operation = (input, ctx) => {
  const name = readGroupName(input)!;
  const kmsKeyId = readString(input, 'kmsKeyId', { max: 256 });
  const tags = readTags(input, 'tags', false);
  const logGroupClass = readString(input, 'logGroupClass');
  if (logGroupClass !== undefined && !LOG_GROUP_CLASSES.includes(logGroupClass)) {
    throw constraintViolation('logGroupClass', logGroupClass, `Member must satisfy enum value set: [${LOG_GROUP_CLASSES.join(', ')}]`);
  }
  // "Log group names can't start with the string aws/" (CreateLogGroup reference); /aws/... is fine.
  if (name.startsWith('aws/')) throw invalidParameter(`Log group name cannot start with 'aws/': ${name}`);
  const groups = ctx.state.groups(ctx.region);
  if (groups.has(name)) throw groupExists();
  groups.set(name, newGroup(name, ctx.now(), { kmsKeyId, logGroupClass, tags }));
  return {};
};

export const deleteLogGroup: Operation = (input, ctx) => {
  const name = readGroupName(input)!;
  findGroup(ctx, name);
  ctx.state.groups(ctx.region).delete(name);
  return {};
};

/** Log groups in ASCII order of their names, as DescribeLogGroups lists them. */
export const describeLogGroups: Operation = (input, ctx) => {
  const prefix = readGroupName(input, 'logGroupNamePrefix', false);
  const pattern = readString(input, 'logGroupNamePattern', { max: 512 });
  const identifiers = readStringList(input, 'logGroupIdentifiers', 1, 50);
  const logGroupClass = readString(input, 'logGroupClass');
  const limit = readInteger(input, 'limit', 1, 50) ?? 50;
  const token = readString(input, 'nextToken', { min: 1 });
  if (prefix !== undefined && pattern !== undefined) {
    throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const wanted = identifiers ? new Set(identifiers.map(groupNameFromIdentifier)) : undefined;
  const after = token ? String(parseListToken(token)[0]) : undefined;

  const matching = [...ctx.state.groups(ctx.region).values()]
    .filter((g) => prefix === undefined || g.name.startsWith(prefix))
    .filter((g) => !pattern || g.name.includes(pattern))
    .filter((g) => !wanted || wanted.has(g.name))
    .filter((g) => logGroupClass === undefined || g.logGroupClass === logGroupClass)
    .sort((a, b) => compareAscii(a.name, b.name));
  const start = after === undefined ? 0 : matching.findIndex((g) => compareAscii(g.name, after) > 0);
  const page = start === -1 ? [] : matching.slice(start, start + limit);
  const more = start !== -1 && start + limit < matching.length;
  return {
    // With a name pattern AWS returns only the ARN, creation time and name.
    logGroups: page.map((g) => (pattern !== undefined ? briefGroup(ctx, g) : describeGroup(ctx, g))),
    ...(more ? { nextToken: listToken([page[page.length - 1]!.name]) } : {}),
  };
};

function describeGroup(ctx: OpContext, g: LogGroup): Record<string, unknown> {
  const arn = groupArn(ctx, g.name);
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: g.storedBytes,
    ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: arn,
  };
}

function briefGroup(ctx: OpContext, g: LogGroup): Record<string, unknown> {
  return { logGroupName: g.name, creationTime: g.creationTime, arn: `${groupArn(ctx, g.name)}:*` };
}

/** Events older than the retention go at once; the logs service's timer keeps expiring them from then on. */
export const putRetentionPolicy: Operation = (input, ctx) => {
  const group = findGroup(ctx, readGroupName(input)!);
  const days = input.retentionInDays;
  if (days === undefined || days === null) throw constraintViolation('retentionInDays', undefined, 'Member must not be null');
  if (typeof days !== 'number' || !RETENTION_DAYS.includes(days)) {
    throw constraintViolation('retentionInDays', days, `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  }
  group.retentionInDays = days;
  ctx.state.drops.expired += expireByRetention(group, ctx.now());
  return {};
};

export const deleteRetentionPolicy: Operation = (input, ctx) => {
  findGroup(ctx, readGroupName(input)!).retentionInDays = undefined;
  return {};
};

export const tagResource: Operation = (input, ctx) => {
  const group = groupByArn(input, ctx);
  addTags(group, readTags(input, 'tags', true)!);
  return {};
};

export const untagResource: Operation = (input, ctx) => {
  const group = groupByArn(input, ctx);
  const keys = readStringList(input, 'tagKeys', 0, 50);
  if (!keys) throw constraintViolation('tagKeys', undefined, 'Member must not be null');
  for (const key of keys) delete group.tags[key];
  return {};
};

export const listTagsForResource: Operation = (input, ctx) => ({ tags: { ...groupByArn(input, ctx).tags } });

// The deprecated log-group-name flavour of tagging, still used by older tools.
export const tagLogGroup: Operation = (input, ctx) => {
  const group = findGroup(ctx, readGroupName(input)!);
  addTags(group, readTags(input, 'tags', true)!);
  return {};
};

export const untagLogGroup: Operation = (input, ctx) => {
  const group = findGroup(ctx, readGroupName(input)!);
  const keys = readStringList(input, 'tags', 1, 50);
  if (!keys) throw constraintViolation('tags', undefined, 'Member must not be null');
  for (const key of keys) delete group.tags[key];
  return {};
};

export const listTagsLogGroup: Operation = (input, ctx) => ({ tags: { ...findGroup(ctx, readGroupName(input)!).tags } });

function addTags(group: LogGroup, tags: Record<string, string>): void {
  const merged = { ...group.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw new AwsError('TooManyTagsException', 400, `A resource can have no more than ${MAX_TAGS} tags.`);
  }
  group.tags = merged;
}

/** Tagging by ARN: only log groups (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]`) are taggable here. */
function groupByArn(input: Input, ctx: OpContext): LogGroup {
  const arn = readString(input, 'resourceArn', { required: true, max: 1011 })!;
  const match = /^arn:aws[\w-]*:logs:([\w-]+):(\d{12}):log-group:(.+?)(?::\*)?$/.exec(arn);
  if (!match || !LOG_GROUP_NAME.test(match[3]!)) throw invalidParameter(`Invalid resource ARN: ${arn}`);
  const group = match[2] === ctx.accountId ? ctx.state.groups(match[1]!).get(match[3]!) : undefined;
  if (!group) throw new AwsError('ResourceNotFoundException', 400, 'The specified resource does not exist.');
  return group;
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
