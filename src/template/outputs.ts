import type { ChalkInstance } from 'chalk';
import type { StatusResult } from '../status/types.js';
import { LATE_TOKEN } from './resource-types.js';
import type { TemplateSummary } from './summary.js';

export interface ResolvedOutput {
  name: string;
  value: string;
  description?: string;
  /** Set when a part of the value is not known yet (the API or URL is not created). */
  pending?: string;
}

/**
 * A template's Outputs with what only the endpoint knows filled in: API ids, function URLs, and API Gateway's
 * AWS-style invoke URLs (`https://<id>.execute-api.<region>.amazonaws.com/…`) as the local invoke URL.
 */
export function resolveTemplateOutputs(template: TemplateSummary, status: Pick<StatusResult, 'apis' | 'functionUrls'>): ResolvedOutput[] {
  return template.outputs.map((o) => {
    let pending: string | undefined;
    let value = o.value.replace(new RegExp(LATE_TOKEN.source, 'g'), (whole, what: string, name: string) => {
      const found = what === 'ApiId' ? status.apis?.find((a) => a.name === name)?.id : status.functionUrls?.find((u) => u.function === name)?.url;
      if (found) return found;
      pending = `${what === 'ApiId' ? 'API' : 'function URL of'} ${name} is not created yet: run evlab setup`;
      return whole;
    });
    const aws = /^https:\/\/([a-z0-9]+)\.execute-api\.[^/]+\.amazonaws\.com\/?(.*)$/.exec(value);
    const api = aws ? status.apis?.find((a) => a.id === aws[1] && a.invokeUrl) : undefined;
    if (aws && api?.invokeUrl) {
      const base = api.invokeUrl.slice(0, api.invokeUrl.indexOf(aws[1]!) + aws[1]!.length);
      value = `${base}/${aws[2]}`;
    }
    return { name: o.name, value, ...(o.description ? { description: o.description } : {}), ...(pending ? { pending } : {}) };
  });
}

export function renderTemplateOutputs(outputs: ResolvedOutput[], c: ChalkInstance): string {
  if (outputs.length === 0) return '';
  const width = Math.max(...outputs.map((o) => o.name.length));
  const lines = outputs.map((o) => `  ${o.name.padEnd(width)}  ${o.value}${o.pending ? c.yellow(`  (${o.pending})`) : ''}`);
  return [c.bold('Outputs (template)'), ...lines].join('\n');
}
