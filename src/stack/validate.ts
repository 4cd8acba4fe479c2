import type { Problem } from '../errors.js';
import type { JsonLayout } from './json-locate.js';
import { formatPath, isWithin } from './paths.js';
import { semanticProblems, type SemanticProblem } from './validate-semantics.js';
import { structuralProblems, type StructuralProblem } from './validate-structure.js';
import { isObject } from './validate-context.js';

export interface ValidateOptions {
  /** Folder of the stack file (function sources are relative to it). */
  dir: string;
  /** Key positions from the parser, to say on which line a problem is. */
  layout?: JsonLayout;
}

/**
 * Every problem of a parsed stack file, one per issue: structure (JSON Schema via Ajv), then meaning
 * (references, patterns, files). A value with a structural problem is not checked again for meaning,
 * and a misspelt key is reported once, not also as the key that is then missing.
 */
export function validateStack(data: unknown, options: ValidateOptions): Problem[] {
  if (!isObject(data)) {
    return [{ path: '(top level)', message: 'the stack file must be a JSON object', hint: 'start from {"queues": {}, "functions": {}, "rules": {}}, or run `evlab init`' }];
  }
  const structural = structuralProblems(data);
  const typos = structural.filter((p): p is StructuralProblem & Required<Pick<StructuralProblem, 'typo'>> => p.typo !== undefined);
  const explainedByTypo = (p: SemanticProblem) =>
    p.absent !== undefined && typos.some((t) => formatPath(t.typo.object) === formatPath(p.absent!.object) && p.absent!.keys.includes(t.typo.suggested));

  const problems: Problem[] = [];
  const taken: string[] = [];
  const push = (p: SemanticProblem) => {
    const path = formatPath(p.path);
    if (explainedByTypo(p)) return;
    // One problem per location: a wrong value is not also reported for what it means.
    if (taken.some((t) => isWithin(path, t))) return;
    taken.push(path);
    problems.push({ path, message: withLine(p.message, path, options.layout), ...(p.hint ? { hint: p.hint } : {}) });
  };
  for (const duplicate of options.layout?.duplicates ?? []) {
    problems.push({
      path: duplicate.path,
      message: `appears twice in the same object (line ${duplicate.position.line})`,
      hint: 'JSON keeps only the last one: remove or rename one of them',
    });
  }
  structural.forEach(push);
  semanticProblems(data, options.dir).forEach(push);
  return problems;
}

function withLine(message: string, path: string, layout: JsonLayout | undefined): string {
  if (!layout) return message;
  // A missing key has no position of its own: use the object it is missing from.
  for (let p = path; p !== ''; p = p.replace(/(\.[^.[\]]+|\[[^\]]+\])$/, '')) {
    const position = layout.positions.get(p);
    if (position) return `${message} (line ${position.line})`;
    if (!/[.[]/.test(p)) break;
  }
  return message;
}
