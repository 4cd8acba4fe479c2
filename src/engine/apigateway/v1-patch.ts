import { parseJsonBody } from '../protocol/encode.js';
import { badRequest } from './errors.js';

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: string;
}

/** The `patchOperations` of REST API updates (JSON Patch, values as strings). */
export function patchOperations(body: Buffer): PatchOperation[] {
  const ops = parseJsonBody(body).patchOperations;
  if (ops === undefined) return [];
  if (!Array.isArray(ops)) throw badRequest('Invalid input: patchOperations must be a list');
  return ops.map((raw) => {
    const op = raw as Record<string, unknown>;
    if (typeof op.op !== 'string' || !['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) {
      throw badRequest(`Invalid patch operation: ${JSON.stringify(raw)}`);
    }
    if (typeof op.path !== 'string') throw badRequest('Invalid patch operation: path is required');
    return { op: op.op as PatchOperation['op'], path: op.path, value: op.value === undefined || op.value === null ? undefined : String(op.value) };
  });
}
