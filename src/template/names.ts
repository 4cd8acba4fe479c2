import { createHash } from 'node:crypto';

/** Name limits AWS sets per resource type (functions 64, queues 80, rules 64, buckets 63 lowercase, …). */
export const NAME_LIMITS: Record<string, number> = {
  'AWS::Lambda::Function': 64,
  'AWS::SQS::Queue': 80,
  'AWS::Events::Rule': 64,
  'AWS::Events::EventBus': 256,
  'AWS::DynamoDB::Table': 255,
  'AWS::S3::Bucket': 63,
  'AWS::Logs::LogGroup': 512,
  'AWS::IAM::Role': 64,
  'AWS::ApiGatewayV2::Api': 128,
  'AWS::ApiGateway::RestApi': 128,
};

/**
 * The name CloudFormation would give a resource whose template names none: `<stack>-<LogicalId>-<suffix>`.
 * CloudFormation's suffix is random; here it is a hash of stack and logical ID, so every run gives the same
 * name and setup stays idempotent. Long names are shortened as CloudFormation does: the stack and logical ID
 * parts are cut, the suffix stays.
 */
export function generatedName(stack: string, logicalId: string, type: string, fifo = false): string {
  const limit = (NAME_LIMITS[type] ?? 128) - (fifo ? '.fifo'.length : 0);
  const suffix = createHash('sha256').update(`${stack}\u0000${logicalId}`).digest('hex').slice(0, 12).toUpperCase();
  const room = limit - suffix.length - 2;
  let stackPart = stack;
  let idPart = logicalId;
  if (stackPart.length + idPart.length > room) {
    stackPart = stackPart.slice(0, Math.max(1, Math.floor(room / 2)));
    idPart = idPart.slice(0, room - stackPart.length);
  }
  let name = `${stackPart}-${idPart}-${suffix}`;
  // Bucket names are lowercase letters, digits, dots and hyphens.
  if (type === 'AWS::S3::Bucket') name = name.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  else name = name.replace(/[^A-Za-z0-9_-]/g, '-');
  return fifo ? `${name}.fifo` : name;
}

/** A stack name as CloudFormation accepts it (letters, digits, hyphens; starting with a letter), from a folder name. */
export function stackNameOf(folder: string): string {
  const cleaned = folder.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^[^A-Za-z]+/, '').replace(/-+$/, '');
  return (cleaned || 'evlab').slice(0, 128);
}
