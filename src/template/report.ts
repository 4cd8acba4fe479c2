import { relative } from 'node:path';
import type { LoadedStack } from '../stack/types.js';
import type { Output } from '../ui/output.js';
import type { TemplateSummary } from './summary.js';

/** What a command's --json result carries about a template-sourced stack. */
export interface TemplateReport {
  file: string;
  kind: TemplateSummary['kind'];
  stackName: string;
  unsupported: TemplateSummary['unsupported'];
  warnings: TemplateSummary['warnings'];
}

export function templateReport(summary: TemplateSummary): TemplateReport {
  return { file: summary.file, kind: summary.kind, stackName: summary.stackName, unsupported: summary.unsupported, warnings: summary.warnings };
}

const KIND_LABEL: Record<TemplateSummary['kind'], string> = { sam: 'SAM template', cloudformation: 'CloudFormation template', cdk: 'CDK template' };

/**
 * Where the stack came from, on stderr: the template, its warnings, and each resource or property that does
 * not run locally (nothing is dropped silently). For an evlab.json that shadows a template, says so.
 */
export function reportStackSource(loaded: LoadedStack, out: Output, cwd: string): void {
  const shown = (file: string) => relative(cwd, file) || file;
  if (loaded.shadowedTemplate) {
    out.info(out.c.dim(`using ${shown(loaded.file)}; ${shown(loaded.shadowedTemplate)} is there too (evlab.json wins: pass --template ${shown(loaded.shadowedTemplate)} to use it)`));
  }
  const t = loaded.template;
  if (!t) return;
  out.info(out.c.dim(`stack from ${shown(t.file)} (${KIND_LABEL[t.kind]}, stack name ${t.stackName})`));
  for (const w of t.warnings) out.warn(`${w.location ? `${w.location} ` : ''}${w.message}`);
  if (t.unsupported.length === 0) return;
  out.info(out.c.yellow(`Not supported locally (${t.unsupported.length}; --strict makes these errors):`));
  for (const u of t.unsupported) {
    out.info(`  ${u.location}  ${u.logicalId}${u.property ? `.${u.property}` : ''} (${u.type}): ${u.effect}`);
  }
}
