import type { StackFile } from '../../stack/types.js';

/**
 * The stack as the dashboard draws it: nodes in columns (sources → rules → functions → where failures go) and the
 * edges between them. Edge ids are what the page keys its live counters by, so they are built from the names the
 * trace steps carry (rule, function, queue), never from ARNs.
 */
export type NodeKind = 'bus' | 'rule' | 'function' | 'queue' | 'table' | 'logGroup' | 'bucket' | 'api';
export type EdgeKind = 'target' | 'mapping' | 'dead-letter' | 'redrive' | 'on-failure' | 'on-success' | 'notification' | 'route';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** Column from the left: 0 sources, 1 rules, 2 consumers, 3 dead letters and destinations. */
  column: number;
  /** A queue that receives another resource's failures. */
  deadLetter?: boolean;
}

export interface GraphEdge {
  id: string;
  kind: EdgeKind;
  from: string;
  to: string;
}

export interface StackGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const nodeId = (kind: NodeKind, name: string): string => `${kind}:${name}`;
export const edgeId = (from: string, to: string): string => `${from}->${to}`;

export function stackGraph(stack: StackFile): StackGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (kind: NodeKind, name: string, column: number, extra: Partial<GraphNode> = {}): string => {
    const id = nodeId(kind, name);
    const known = nodes.get(id);
    // A resource seen in two roles takes the later column (a queue fed by a rule and draining into a function).
    nodes.set(id, { id, kind, label: name, ...known, ...extra, column: Math.max(column, known?.column ?? 0) });
    return id;
  };
  const edge = (kind: EdgeKind, from: string, to: string) => edges.set(edgeId(from, to), { id: edgeId(from, to), kind, from, to });

  const deadLetterQueues = new Set<string>();
  for (const q of Object.values(stack.queues ?? {})) if (q.deadLetterQueue) deadLetterQueues.add(q.deadLetterQueue);
  for (const f of Object.values(stack.functions ?? {})) {
    if (f.deadLetterQueue) deadLetterQueues.add(f.deadLetterQueue);
    if (f.onFailure?.queue) deadLetterQueues.add(f.onFailure.queue);
  }
  for (const rule of Object.values(stack.rules ?? {})) for (const t of rule.targets) if (t.deadLetterQueue) deadLetterQueues.add(t.deadLetterQueue);

  node('bus', 'default', 0);
  for (const bus of Object.keys(stack.buses ?? {})) node('bus', bus, 0);
  for (const [key, rule] of Object.entries(stack.rules ?? {})) {
    const bus = rule.bus ?? 'default';
    const name = key.startsWith(`${bus}/`) ? key.slice(bus.length + 1) : key;
    const ruleId = node('rule', name, 1);
    edge('target', node('bus', bus, 0), ruleId);
    for (const target of rule.targets) {
      const to =
        'function' in target
          ? node('function', target.function, 2)
          : 'queue' in target
            ? node('queue', target.queue, 2, deadLetterQueues.has(target.queue) ? { deadLetter: true } : {})
            : 'bus' in target
              ? node('bus', target.bus, 0)
              : node('logGroup', target.logGroup, 2);
      edge('target', ruleId, to);
      if (target.deadLetterQueue) edge('dead-letter', ruleId, node('queue', target.deadLetterQueue, 3, { deadLetter: true }));
    }
  }
  for (const [name, f] of Object.entries(stack.functions ?? {})) {
    const fn = node('function', name, 2);
    if (f.deadLetterQueue) edge('dead-letter', fn, node('queue', f.deadLetterQueue, 3, { deadLetter: true }));
    if (f.onFailure?.queue) edge('on-failure', fn, node('queue', f.onFailure.queue, 3, { deadLetter: true }));
    if (f.onSuccess?.queue) edge('on-success', fn, node('queue', f.onSuccess.queue, 3));
  }
  for (const [name, q] of Object.entries(stack.queues ?? {})) {
    const dlq = deadLetterQueues.has(name);
    const id = node('queue', name, dlq ? 3 : 1, dlq ? { deadLetter: true } : {});
    if (q.deadLetterQueue) edge('redrive', id, node('queue', q.deadLetterQueue, 3, { deadLetter: true }));
  }
  for (const sub of stack.subscriptions ?? []) edge('mapping', node('queue', sub.queue, 1), node('function', sub.function, 2));
  for (const table of Object.keys(stack.tables ?? {})) node('table', table, 3);
  for (const [name, bucket] of Object.entries(stack.buckets ?? {})) {
    const id = node('bucket', name, 0);
    for (const n of bucket.notifications ?? []) {
      if ('function' in n) edge('notification', id, node('function', n.function, 2));
      else if ('queue' in n) edge('notification', id, node('queue', n.queue, 1));
      else edge('notification', id, node('bus', 'default', 0));
    }
  }
  for (const [name, api] of Object.entries(stack.apis ?? {})) {
    const id = node('api', name, 0);
    for (const route of Object.values(api.routes)) edge('route', id, node('function', route.function, 2));
  }

  // The default bus is drawn only when something uses it.
  const used = new Set([...edges.values()].flatMap((e) => [e.from, e.to]));
  if (!used.has(nodeId('bus', 'default'))) nodes.delete(nodeId('bus', 'default'));
  return { nodes: [...nodes.values()].sort((a, b) => a.column - b.column || a.label.localeCompare(b.label)), edges: [...edges.values()] };
}
