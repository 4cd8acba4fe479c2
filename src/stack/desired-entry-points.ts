import type { NotificationRule, StackState } from './model.js';
import { canonicalJson } from './diff.js';
import { PERMISSION_PREFIX, permissionKey } from './desired.js';
import type { NotificationSpec, StackFile } from './types.js';

/** S3's default for a notification that names no events. */
export const DEFAULT_NOTIFICATION_EVENTS = ['s3:ObjectCreated:*'];

/** Default stage of an API: HTTP APIs have `$default` (no path segment), REST APIs need a named one. */
export const defaultStage = (type: 'http' | 'rest') => (type === 'http' ? '$default' : 'dev');

/** Statement ids of the invoke permissions evlab adds for S3, API Gateway and function URLs. */
export const bucketStatementId = (bucket: string) => `${PERMISSION_PREFIX}s3-${bucket.replace(/[^A-Za-z0-9_-]+/g, '-')}`.slice(0, 100);
export const apiStatementId = (api: string) => `${PERMISSION_PREFIX}apigw-${api}`.slice(0, 100);
// A literal, not built from PERMISSION_PREFIX: desired.ts imports this module, so its constants are not set yet here.
export const FUNCTION_URL_STATEMENT_ID = 'evlab-function-url';

export function notificationRuleOf(spec: NotificationSpec): NotificationRule {
  if ('eventBridge' in spec) return { destination: { kind: 'eventBridge', name: 'default' }, events: [], prefix: '', suffix: '' };
  const destination = 'function' in spec ? { kind: 'function' as const, name: spec.function } : { kind: 'queue' as const, name: spec.queue };
  return { destination, events: [...(spec.events ?? DEFAULT_NOTIFICATION_EVENTS)].sort(), prefix: spec.prefix ?? '', suffix: spec.suffix ?? '' };
}

/** Notification rules in one order, so two configurations compare by content. */
export function sortRules(rules: NotificationRule[]): NotificationRule[] {
  return [...rules].sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1));
}

/**
 * The stack's buckets (with their notification configurations), APIs and function URLs, and the invoke
 * permissions each needs: S3 and API Gateway call a function only when its resource policy lets them.
 */
export function addEntryPoints(state: StackState, stack: StackFile): void {
  const permit = (fn: string, statementId: string, source: NonNullable<StackState['permissions'][string]['source']>) => {
    const key = permissionKey(fn, statementId);
    state.permissions[key] = { key, function: fn, statementId, rule: null, source };
  };
  for (const [name, bucket] of Object.entries(stack.buckets ?? {})) {
    state.buckets[name] = { name };
    const rules = (bucket.notifications ?? []).map(notificationRuleOf);
    // A bucket without notifications has an empty configuration: nothing to put, and extra ones are drift.
    if (rules.length) state.notifications[name] = { bucket: name, rules: sortRules(rules) };
    for (const rule of rules) if (rule.destination.kind === 'function') permit(rule.destination.name, bucketStatementId(name), { kind: 'bucket', name });
  }
  for (const [name, api] of Object.entries(stack.apis ?? {})) {
    const type = api.type ?? 'http';
    const routes: StackState['apis'][string]['routes'] = {};
    for (const [key, route] of Object.entries(api.routes)) {
      routes[normaliseRouteKey(key)] = {
        function: route.function,
        // REST APIs' Lambda proxy integrations have one payload, the 1.0 one.
        payloadFormat: type === 'rest' ? '1.0' : (route.payloadFormat ?? '2.0'),
        overwritePath: route.overwritePath === true ? '$request.path' : typeof route.overwritePath === 'string' ? route.overwritePath : null,
      };
      permit(route.function, apiStatementId(name), { kind: 'api', name });
    }
    state.apis[name] = { name, type, stage: api.stage ?? defaultStage(type), accessLog: api.accessLog ?? null, routes };
    if (api.accessLog) state.logGroups[api.accessLog] = { name: api.accessLog };
  }
  for (const [name, fn] of Object.entries(stack.functions ?? {})) {
    if (!fn.url) continue;
    state.functionUrls[name] = { function: name, authType: 'NONE' };
    permit(name, FUNCTION_URL_STATEMENT_ID, { kind: 'url', name });
  }
}

/** `any /x` and `ANY  /x` are the route `ANY /x` (API Gateway's methods are upper case). */
export function normaliseRouteKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed === '$default') return trimmed;
  const [method, ...rest] = trimmed.split(/\s+/);
  return `${method!.toUpperCase()} ${rest.join(' ')}`;
}
