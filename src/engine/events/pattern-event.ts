import type { Branch } from './pattern-compiler.js';
import type { EventScalar, ValueCondition } from './pattern-values.js';

/**
 * Matching an event against compiled branches.
 *
 * The event is flattened into leaf values per dot-joined path, the way EventBridge sees it: arrays are
 * "crushed" (every element is a value of the same path), objects and empty arrays are not values, and keys
 * containing dots are indistinguishable from nesting. Only paths the pattern mentions are collected.
 *
 * Array consistency: two fields can only match together if they come from the same element of any array
 * they share, so {"a": {"b": ["1"], "c": ["4"]}} does not match {"a": [{"b": "1", "c": "2"}, {"b": "3", "c": "4"}]}.
 * Every leaf remembers which element of which array it came from (its "membership").
 */

/** Pairs of (array id, element index), flattened: [id, index, id, index, ...]. Null when in no array. */
type Membership = readonly number[] | null;

interface Leaf {
  value: EventScalar;
  membership: Membership;
}

interface CompiledField {
  id: number;
  conditions: ValueCondition[];
  allowsAbsence: boolean;
}

export class EventMatcher {
  private readonly fieldIds = new Map<string, number>();
  /** Proper dot-boundary prefixes of field paths: the objects worth descending into. */
  private readonly containers = new Set<string>();
  private readonly branches: CompiledField[][];

  constructor(branches: Branch[]) {
    this.branches = branches.map((branch) =>
      // EventBridge evaluates a branch's fields in field-name order. It only matters for exists:false inside
      // arrays: absence is judged against the array elements chosen by the fields matched before it.
      [...branch.keys()].sort().map((path) => {
        const rule = branch.get(path)!;
        return { id: this.fieldId(path), conditions: rule.conditions, allowsAbsence: rule.allowsAbsence };
      }),
    );
  }

  matches(event: unknown): boolean {
    if (!isPlainObject(event)) return false;
    const found: Collected = { leaves: Array.from({ length: this.fieldIds.size }, () => []), nextArrayId: 0 };
    this.collectObject(found, event, '', null);
    return this.branches.some((fields) => matchFields(fields, 0, null, found.leaves));
  }

  private fieldId(path: string): number {
    let id = this.fieldIds.get(path);
    if (id === undefined) {
      id = this.fieldIds.size;
      this.fieldIds.set(path, id);
      const parts = path.split('.');
      for (let i = 1; i < parts.length; i++) this.containers.add(parts.slice(0, i).join('.'));
    }
    return id;
  }

  private collectObject(found: Collected, obj: Record<string, unknown>, path: string, membership: Membership): void {
    for (const key of Object.keys(obj)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (this.fieldIds.has(childPath) || this.containers.has(childPath)) {
        this.collectValue(found, obj[key], childPath, membership);
      }
    }
  }

  private collectValue(found: Collected, value: unknown, path: string, membership: Membership): void {
    if (Array.isArray(value)) {
      const arrayId = found.nextArrayId++;
      for (let i = 0; i < value.length; i++) {
        const elementMembership = membership === null ? [arrayId, i] : [...membership, arrayId, i];
        this.collectValue(found, value[i], path, elementMembership);
      }
    } else if (isPlainObject(value)) {
      if (this.containers.has(path)) this.collectObject(found, value, path, membership);
    } else if (isScalar(value)) {
      const id = this.fieldIds.get(path);
      if (id !== undefined) found.leaves[id]!.push({ value, membership });
    }
  }
}

/** Per-event scratch state: leaf values by field id, and a counter naming each array met. */
interface Collected {
  leaves: Leaf[][];
  nextArrayId: number;
}

/** Depth-first search for leaves, one per field, that satisfy their field and sit in consistent array elements. */
function matchFields(fields: CompiledField[], index: number, membership: Membership, leaves: Leaf[][]): boolean {
  if (index === fields.length) return true;
  const field = fields[index]!;
  const candidates = leaves[field.id]!;
  let visible = false;
  for (const leaf of candidates) {
    if (!consistent(membership, leaf.membership)) continue;
    visible = true;
    if (field.conditions.some((c) => c.test(leaf.value)) &&
        matchFields(fields, index + 1, merge(membership, leaf.membership), leaves)) {
      return true;
    }
  }
  return field.allowsAbsence && !visible && matchFields(fields, index + 1, membership, leaves);
}

function consistent(a: Membership, b: Membership): boolean {
  if (a === null || b === null) return true;
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      if (a[i] === b[j] && a[i + 1] !== b[j + 1]) return false;
    }
  }
  return true;
}

function merge(a: Membership, b: Membership): Membership {
  if (a === null) return b;
  if (b === null) return a;
  const out = [...a];
  for (let j = 0; j < b.length; j += 2) {
    let known = false;
    for (let i = 0; i < a.length; i += 2) if (a[i] === b[j]) known = true;
    if (!known) out.push(b[j]!, b[j + 1]!);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is EventScalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
