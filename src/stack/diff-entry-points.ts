import { canonicalJson } from './diff.js';
import { sortRules } from './desired-entry-points.js';
import type { ApiState, FunctionUrlState, NotificationRule, NotificationState } from './model.js';

const describeRule = (r: NotificationRule) => {
  const filter = [r.prefix && `prefix ${r.prefix}`, r.suffix && `suffix ${r.suffix}`].filter(Boolean).join(', ');
  return `${r.destination.kind} ${r.destination.name}${r.events.length ? ` on ${r.events.join(', ')}` : ''}${filter ? ` (${filter})` : ''}`;
};

export function notificationDifferences(desired: NotificationState, actual: NotificationState): string[] {
  const want = sortRules(desired.rules).map(canonicalJson);
  const have = sortRules(actual.rules).map(canonicalJson);
  const added = desired.rules.filter((r) => !have.includes(canonicalJson(r)));
  const removed = actual.rules.filter((r) => !want.includes(canonicalJson(r)));
  return [...added.map((r) => `+ ${describeRule(r)}`), ...removed.map((r) => `- ${describeRule(r)}`)];
}

/** Differences of an API; `replace` when only a new API can have them (a REST API's routes, its type). */
export function apiDifferences(desired: ApiState, actual: ApiState): { reasons: string[]; replace: boolean } {
  if (desired.type !== actual.type) return { reasons: [`type ${actual.type} → ${desired.type}`], replace: true };
  const reasons: string[] = [];
  for (const [key, route] of Object.entries(desired.routes)) {
    const current = actual.routes[key];
    if (!current) reasons.push(`route ${key} added`);
    else if (canonicalJson(route) !== canonicalJson(current)) {
      const what = [
        route.function !== current.function && `function ${current.function} → ${route.function}`,
        route.payloadFormat !== current.payloadFormat && `payload ${current.payloadFormat} → ${route.payloadFormat}`,
        route.overwritePath !== current.overwritePath && `overwrite:path ${current.overwritePath ?? 'none'} → ${route.overwritePath ?? 'none'}`,
      ].filter(Boolean);
      reasons.push(`route ${key}: ${what.join(', ')}`);
    }
  }
  for (const key of Object.keys(actual.routes)) if (!(key in desired.routes)) reasons.push(`route ${key} removed`);
  const routesChanged = reasons.length > 0;
  if (desired.stage !== actual.stage) reasons.push(`stage ${actual.stage || 'none'} → ${desired.stage}`);
  if (desired.accessLog !== actual.accessLog) reasons.push(`access log ${actual.accessLog ?? 'none'} → ${desired.accessLog ?? 'none'}`);
  // A REST API serves what a deployment froze: it is rebuilt rather than patched resource by resource.
  return { reasons, replace: desired.type === 'rest' && (routesChanged || desired.stage !== actual.stage) };
}

export function functionUrlDifferences(desired: FunctionUrlState, actual: FunctionUrlState): string[] {
  return desired.authType === actual.authType ? [] : [`auth type ${actual.authType} → ${desired.authType}`];
}
