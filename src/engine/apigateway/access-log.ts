import type { EngineContext } from '../types.js';
import { badRequest } from './errors.js';
import type { AccessLogSettings } from './model.js';

const LOG_GROUP_ARN = /^arn:aws[a-zA-Z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([\w#./-]+?)(:\*)?$/;

export function logGroupOfArn(arn: string): string | undefined {
  return LOG_GROUP_ARN.exec(arn)?.[1];
}

export function validateAccessLogSettings(value: unknown): AccessLogSettings | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('Invalid input: accessLogSettings must be an object');
  const { destinationArn, format } = value as Record<string, unknown>;
  if (destinationArn !== undefined && (typeof destinationArn !== 'string' || !logGroupOfArn(destinationArn))) {
    throw badRequest(`Invalid CloudWatch Logs log group ARN: '${String(destinationArn)}'. Expected arn:aws:logs:REGION:ACCOUNT:log-group:NAME.`);
  }
  if (format !== undefined && typeof format !== 'string') throw badRequest('Invalid input: accessLogSettings.format must be a string');
  if (destinationArn && !format) throw badRequest('Access log format must be set when a destination ARN is set.');
  if (format && !destinationArn) throw badRequest('Access log destination ARN must be set when a format is set.');
  return { ...(destinationArn ? { destinationArn: destinationArn as string } : {}), ...(format ? { format: format as string } : {}) };
}

/** `$context.requestId` and `${context.requestId}` are replaced; a variable without a value prints `-`, as on AWS. */
export function formatAccessLog(format: string, vars: Record<string, string | number | undefined>): string {
  return format.replace(/\$\{context\.([A-Za-z0-9._]+)\}|\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g, (_m, braced: string, bare: string) => {
    const value = vars[braced ?? bare];
    return value === undefined || value === '' ? '-' : String(value);
  });
}

/** One line per request into the stage's log group (stream `<apiId>_<stage>`). */
export async function writeAccessLog(
  ctx: EngineContext,
  settings: AccessLogSettings | undefined,
  stream: string,
  vars: Record<string, string | number | undefined>,
): Promise<void> {
  if (!settings?.destinationArn || !settings.format) return;
  const group = logGroupOfArn(settings.destinationArn);
  if (!group) return;
  const logs = await ctx.service('logs');
  logs.append(group, stream, [{ timestamp: Date.now(), message: formatAccessLog(settings.format, vars) }]);
}
