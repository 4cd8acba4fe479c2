import type { JsonPath } from './paths.js';

/** The stack as parsed, before it is known to be well-formed: every access is guarded. */
export type Loose = Record<string, unknown>;

export interface SemanticContext {
  /** Folder of the stack file; function sources are relative to it. */
  dir: string;
  declared: { queues: string[]; functions: string[]; buses: string[] };
  /**
   * Reports a problem. `absent` says the problem exists because these keys are missing from that object,
   * so a misspelt key there (already reported with "did you mean") does not produce a second problem.
   */
  add(path: JsonPath, message: string, hint?: string, absent?: AbsentKeys): void;
  /** A reference to a declared resource; reports it when the name is not declared. */
  reference(path: JsonPath, kind: 'queue' | 'function' | 'bus', name: unknown): boolean;
}

export interface AbsentKeys {
  object: JsonPath;
  keys: string[];
}

export const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
export const entries = (value: unknown): [string, Loose][] =>
  isObject(value) ? (Object.entries(value).filter(([, v]) => isObject(v)) as [string, Loose][]) : [];

