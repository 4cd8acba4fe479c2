// The evlab dashboard: the stack as a graph with live counters, a feed of traces, dead letters, logs and tables.
// Plain browser JavaScript with no build step and nothing from a CDN, so it works offline from the engine's port.
// Live data comes from the engine's trace stream (Server-Sent Events at /_evlab/traces/stream); the page replays
// the kept traces first, so counters count what happened before it was opened too.

const api = (path, init) =>
  fetch(path, init).then(async (res) => {
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`);
    return body;
  });
const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};
const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

const state = {
  graph: { nodes: [], edges: [] },
  tables: [],
  queues: {},
  /** edge id → { ok, failed, pending: Set of request or message ids } */
  edges: new Map(),
  /** function name → { ok, failed } */
  functions: new Map(),
  /** trace id → { id, kind, status, label, startedAt } */
  traces: new Map(),
  /** steps already counted (the list and the stream overlap) */
  seen: new Set(),
};

// ---------- graph ----------

const COLUMN_WIDTH = 230;
const NODE_W = 170;
const NODE_H = 44;
const ROW_GAP = 26;

async function loadGraph() {
  const answer = await api('/_evlab/ui/api/graph');
  state.graph = answer.graph;
  state.tables = answer.tables;
  for (const e of state.graph.edges) if (!state.edges.has(e.id)) state.edges.set(e.id, { ok: 0, failed: 0, pending: new Set() });
  drawGraph();
  fillSelects();
}

function drawGraph() {
  const holder = $('#graph');
  holder.replaceChildren();
  const { nodes, edges } = state.graph;
  if (nodes.length === 0) {
    holder.append(el('p', { class: 'empty' }, 'Nothing on this endpoint yet: run evlab setup.'));
    return;
  }
  const rows = new Map();
  const place = new Map();
  for (const n of nodes) {
    const row = rows.get(n.column) ?? 0;
    rows.set(n.column, row + 1);
    place.set(n.id, { x: 20 + n.column * COLUMN_WIDTH, y: 20 + row * (NODE_H + ROW_GAP) });
  }
  const height = 40 + Math.max(...rows.values()) * (NODE_H + ROW_GAP);
  const width = 40 + (Math.max(...nodes.map((n) => n.column)) + 1) * COLUMN_WIDTH;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}` });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#9aa3b2' }));
  defs.append(marker);
  root.append(defs);
  for (const e of edges) {
    const a = place.get(e.from);
    const b = place.get(e.to);
    if (!a || !b) continue;
    const sameColumn = a.x === b.x;
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = sameColumn ? b.x + NODE_W : b.x;
    const y2 = b.y + NODE_H / 2;
    const bend = sameColumn ? 60 : Math.max(40, (x2 - x1) / 2);
    const g = svg('g', { class: `edge ${e.kind}`, 'data-edge': e.id });
    g.append(svg('path', { d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - (sameColumn ? -bend : bend)} ${y2}, ${x2} ${y2}`, 'marker-end': 'url(#arrow)' }));
    const label = svg('text', { class: 'counts', x: (x1 + x2) / 2 + (sameColumn ? 50 : 0), y: (y1 + y2) / 2 - 4, 'text-anchor': 'middle' });
    g.append(label);
    root.append(g);
  }
  for (const n of nodes) {
    const p = place.get(n.id);
    const g = svg('g', { class: `node ${n.kind}${n.deadLetter ? ' dead-letter' : ''}`, 'data-node': n.id, transform: `translate(${p.x},${p.y})` });
    g.append(svg('rect', { width: NODE_W, height: NODE_H }));
    const kind = svg('text', { class: 'kind', x: 8, y: 14 });
    kind.textContent = n.deadLetter ? `${n.kind} · DLQ` : n.kind;
    const name = svg('text', { x: 8, y: 31 });
    name.textContent = n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label;
    const extra = svg('text', { class: 'kind extra', x: NODE_W - 8, y: 14, 'text-anchor': 'end' });
    g.append(kind, name, extra);
    root.append(g);
  }
  holder.append(root);
  paintCounters();
}

/** Counter text and data attributes (what the browser test reads) for every edge and node. */
function paintCounters() {
  for (const g of document.querySelectorAll('#graph .edge')) {
    const c = state.edges.get(g.dataset.edge) ?? { ok: 0, failed: 0, pending: new Set() };
    g.dataset.ok = c.ok;
    g.dataset.failed = c.failed;
    g.dataset.pending = c.pending.size;
    const parts = [];
    if (c.ok) parts.push(`✓${c.ok}`);
    if (c.failed) parts.push(`✗${c.failed}`);
    if (c.pending.size) parts.push(`…${c.pending.size}`);
    g.querySelector('.counts').textContent = parts.join(' ');
  }
  for (const g of document.querySelectorAll('#graph .node')) {
    const [kind, ...rest] = g.dataset.node.split(':');
    const name = rest.join(':');
    const extra = g.querySelector('.extra');
    if (kind === 'function') {
      const f = state.functions.get(name) ?? { ok: 0, failed: 0 };
      g.dataset.ok = f.ok;
      g.dataset.failed = f.failed;
      extra.textContent = f.ok || f.failed ? `✓${f.ok} ✗${f.failed}` : '';
    } else if (kind === 'queue') {
      const q = state.queues[name];
      const held = q ? q.visible + q.inFlight + q.delayed : 0;
      g.dataset.messages = held;
      extra.textContent = q ? `${held} msg` : '';
    }
  }
}

let paintQueued = false;
function schedulePaint() {
  if (paintQueued) return;
  paintQueued = true;
  requestAnimationFrame(() => {
    paintQueued = false;
    paintCounters();
    renderFeed();
  });
}

let queueTimer;
/** Queue depths after a burst of steps settles (one read per burst, not a poll). */
function scheduleQueueRefresh() {
  clearTimeout(queueTimer);
  queueTimer = setTimeout(refreshQueues, 250);
}
async function refreshQueues() {
  try {
    state.queues = (await api('/_evlab/ui/api/queues')).queues;
    schedulePaint();
    if ($('#view-dlq').classList.contains('active')) renderDlqs();
  } catch (err) {
    console.warn(err);
  }
}

let graphTimer;
function scheduleGraphReload() {
  clearTimeout(graphTimer);
  graphTimer = setTimeout(() => loadGraph().catch(console.warn), 500);
}

// ---------- counting steps ----------

const counter = (id) => {
  let c = state.edges.get(id);
  if (!c) state.edges.set(id, (c = { ok: 0, failed: 0, pending: new Set() }));
  return c;
};
const hasNode = (id) => state.graph.nodes.some((n) => n.id === id);
const edgesFrom = (from, kind) => state.graph.edges.filter((e) => e.from === from && (!kind || e.kind === kind));

/** Where a rule's delivery went, as a node id of the graph. */
function targetNode(step) {
  for (const kind of ['function', 'queue', 'bus', 'logGroup']) if (hasNode(`${kind}:${step.target}`)) return `${kind}:${step.target}`;
  return `${step.targetType === 'lambda' ? 'function' : step.targetType === 'sqs' ? 'queue' : step.targetType}:${step.target}`;
}

function settle(ids) {
  for (const c of state.edges.values()) for (const id of ids) c.pending.delete(id);
}

function count(traceId, step) {
  const key = `${traceId}|${step.at}|${step.type}|${step.requestId ?? ''}|${step.messageId ?? ''}|${step.attempt ?? ''}|${step.target ?? ''}`;
  if (state.seen.has(key)) return;
  state.seen.add(key);
  switch (step.type) {
    case 'delivery': {
      const to = targetNode(step);
      if (!hasNode(to) || !hasNode(`rule:${step.rule}`)) scheduleGraphReload();
      const c = counter(`rule:${step.rule}->${to}`);
      if (step.ok) {
        c.ok++;
        if (step.requestId && to.startsWith('function:')) c.pending.add(step.requestId);
      } else c.failed++;
      break;
    }
    case 'invocation': {
      const f = state.functions.get(step.function) ?? { ok: 0, failed: 0 };
      if (step.ok) f.ok++;
      else f.failed++;
      state.functions.set(step.function, f);
      if (step.ok || step.attempt >= step.maxAttempts) settle([step.requestId]);
      if (step.trigger === 'esm' && !step.ok) for (const e of state.graph.edges.filter((x) => x.kind === 'mapping' && x.to === `function:${step.function}`)) counter(e.id).failed++;
      break;
    }
    case 'dead-letter':
      counter(`function:${step.function}->queue:${step.queue}`).ok++;
      settle([step.requestId]);
      scheduleQueueRefresh();
      break;
    case 'destination':
      counter(`function:${step.function}->queue:${String(step.destination).split(':').pop()}`)[step.ok === false ? 'failed' : 'ok']++;
      settle([step.requestId]);
      break;
    case 'discarded':
      settle([step.requestId]);
      break;
    case 'message-received':
      if (step.by === 'esm') for (const e of edgesFrom(`queue:${step.queue}`, 'mapping')) counter(e.id).pending.add(step.messageId);
      scheduleQueueRefresh();
      break;
    case 'message-deleted':
      if (step.by === 'esm') for (const e of edgesFrom(`queue:${step.queue}`, 'mapping')) counter(e.id).ok++;
      settle([step.messageId]);
      scheduleQueueRefresh();
      break;
    case 'message-redriven':
      counter(`queue:${step.queue}->queue:${step.deadLetterQueue}`).ok++;
      settle([step.messageId]);
      scheduleQueueRefresh();
      break;
    case 'message-sent':
    case 'message-moved':
      scheduleQueueRefresh();
      break;
  }
}

function noteTrace(id, kind, status, step, startedAt) {
  const known = state.traces.get(id) ?? { id, kind, status, label: '', startedAt: startedAt ?? step?.at ?? Date.now() };
  known.status = status ?? known.status;
  if (step?.type === 'accepted') known.label = `${step.detailType ?? ''} · ${step.source ?? ''}`;
  if (!known.label && step?.function) known.label = `${step.function}`;
  if (!known.label && step?.queue) known.label = `message on ${step.queue}`;
  state.traces.set(id, known);
}

// ---------- feed and trace view ----------

const FEED_SIZE = 200;
function renderFeed() {
  const items = [...state.traces.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, FEED_SIZE);
  $('#feed-count').textContent = `(${state.traces.size})`;
  $('#feed').replaceChildren(
    ...items.map((t) =>
      el(
        'li',
        { 'data-trace': t.id, 'data-status': t.status, onclick: () => openTrace(t.id) },
        el('span', { class: 'badge', 'data-state': t.status }, t.status),
        el('span', { class: 'what' }, t.label || t.kind),
        el('small', {}, new Date(t.startedAt).toLocaleTimeString()),
      ),
    ),
  );
}

function describeStep(s) {
  switch (s.type) {
    case 'accepted': return `accepted on bus ${s.bus}: ${s.source} / ${s.detailType}`;
    case 'rule-matched': return `rule ${s.rule} matched (${s.targets} target${s.targets === 1 ? '' : 's'})`;
    case 'rules-not-matched': return `${s.count} rule${s.count === 1 ? '' : 's'} did not match${s.rules?.length ? `: ${s.rules.join(', ')}` : ''}`;
    case 'delivery': return `delivered by ${s.rule} to ${s.target}${s.ok ? '' : ` ✗ ${s.errorCode ?? ''} ${s.errorMessage ?? ''}`} (attempt ${s.attempt})`;
    case 'delivery-retry': return `delivery to ${s.target} retried in ${s.delayMs} ms: ${s.errorCode ?? ''}`;
    case 'delivery-failed': return `delivery to ${s.target} failed after ${s.attempts} attempts${s.queue ? ` → ${s.queue}` : ''}`;
    case 'invocation-queued': return `${s.function} invocation queued (request ${s.requestId})`;
    case 'invocation': return `${s.function} ${s.ok ? '✓' : `✗ ${s.errorType ?? ''}: ${s.errorMessage ?? ''}`} (attempt ${s.attempt}/${s.maxAttempts}, ${s.durationMs} ms, ${s.trigger})`;
    case 'retry': return `${s.function} retried in ${s.delayMs} ms (attempt ${s.attempt})`;
    case 'dead-letter': return `${s.function} → dead-letter queue ${s.queue}${s.messageId ? ` (message ${s.messageId})` : ''}`;
    case 'destination': return `${s.function} → ${s.condition} destination ${s.destination}`;
    case 'discarded': return `${s.function}: discarded (${s.reason})`;
    case 'message-sent': return `message ${s.messageId} sent to ${s.queue}`;
    case 'message-received': return `message received from ${s.queue} (receive ${s.receiveCount}, by ${s.by})`;
    case 'message-deleted': return `message deleted from ${s.queue}`;
    case 'message-redriven': return `message moved from ${s.queue} to ${s.deadLetterQueue} after ${s.receiveCount} receives`;
    case 'message-moved': return `message moved from ${s.queue} to ${s.to}`;
    case 'invocation-started': return `${s.function} invoked synchronously (request ${s.requestId})`;
    case 'caused': return `caused ${s.childKind} ${s.child} (request ${s.requestId})`;
    case 'api-request': return `${s.method} ${s.path} → ${s.routeKey ? `route ${s.routeKey}` : 'no route'} (${s.apiName ?? s.api}, stage ${s.stage})`;
    case 'api-integration': return `${s.function} ${s.ok ? '✓' : `✗ ${s.outcome}: ${s.error ?? ''}`} (request ${s.requestId}, ${s.durationMs} ms)`;
    case 'api-response': return `answered ${s.status}${s.ok ? '' : ' ✗'}`;
    default: return `${s.type} ${JSON.stringify(s)}`;
  }
}

async function openTrace(id) {
  const box = $('#trace');
  box.hidden = false;
  $('#trace-id').textContent = id;
  try {
    const { trace, children } = await api(`/_evlab/traces/${encodeURIComponent(id)}`);
    const status = $('#trace-status');
    status.textContent = trace.status;
    status.dataset.state = trace.status;
    const steps = [trace, ...children].flatMap((t) => t.steps).sort((a, b) => a.at - b.at);
    $('#trace-steps').replaceChildren(...steps.map((s) => el('li', { class: s.ok === false ? 'bad' : s.ok ? 'good' : '', 'data-type': s.type }, describeStep(s))));
  } catch (err) {
    $('#trace-steps').replaceChildren(el('li', { class: 'bad' }, err.message));
  }
}
$('#trace-close').addEventListener('click', () => ($('#trace').hidden = true));

// ---------- live connection ----------

function applyStreamed(data) {
  noteTrace(data.traceId, data.kind, data.status, data.step);
  count(data.traceId, data.step);
  schedulePaint();
}

async function connect() {
  const badge = $('#connection');
  const source = new EventSource('/_evlab/traces/stream');
  const early = [];
  let replayed = false;
  source.addEventListener('step', (e) => {
    const data = JSON.parse(e.data);
    if (replayed) applyStreamed(data);
    else early.push(data);
  });
  source.onopen = () => {
    badge.textContent = 'live';
    badge.dataset.state = 'live';
  };
  source.onerror = () => {
    badge.textContent = 'reconnecting…';
    badge.dataset.state = 'offline';
  };
  // What happened before the page opened: the kept traces, oldest first, then what streamed meanwhile.
  const list = await api('/_evlab/traces?limit=1000');
  for (const t of list.traces.slice().reverse()) {
    noteTrace(t.id, t.kind, t.status, undefined, t.startedAt);
    for (const step of t.steps) {
      noteTrace(t.id, t.kind, undefined, step);
      count(t.id, step);
    }
  }
  replayed = true;
  for (const data of early) applyStreamed(data);
  schedulePaint();
  document.body.dataset.ready = 'true';
}

// ---------- dead letters ----------

function deadLetterQueues() {
  return state.graph.nodes.filter((n) => n.kind === 'queue' && n.deadLetter).map((n) => n.label);
}

function renderDlqs() {
  const rows = deadLetterQueues().map((name) => {
    const q = state.queues[name];
    const of = state.graph.edges.filter((e) => e.to === `queue:${name}` && e.kind !== 'target').map((e) => e.from.replace(':', ' '));
    return el(
      'tr',
      { 'data-queue': name },
      el('td', {}, name),
      el('td', { class: 'count' }, q ? String(q.visible + q.inFlight + q.delayed) : '?'),
      el('td', {}, of.join(', ')),
      el('td', {}, el('button', { onclick: () => openDlq(name) }, 'Peek')),
    );
  });
  $('#dlqs tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 4 }, 'No dead-letter queues in this stack.'))]));
}

async function openDlq(name) {
  $('#dlq-detail').hidden = false;
  $('#dlq-name').textContent = name;
  $('#dlq-result').textContent = '';
  $('#dlq-redrive').onclick = () => redrive(name);
  try {
    const { messages } = await api(`/_evlab/ui/api/dlq?queue=${encodeURIComponent(name)}`);
    $('#dlq-messages tbody').replaceChildren(
      ...messages.map((m) =>
        el(
          'tr',
          { 'data-message': m.messageId },
          el('td', {}, m.messageId, m.requestId ? el('div', {}, el('small', {}, `request ${m.requestId}`)) : ''),
          el('td', {}, String(m.receiveCount)),
          el('td', {}, [m.errorCode, m.errorMessage].filter(Boolean).join(': ')),
          el('td', { class: 'body' }, m.body ?? ''),
        ),
      ),
    );
  } catch (err) {
    $('#dlq-messages tbody').replaceChildren(el('tr', {}, el('td', { colspan: 4, class: 'error' }, err.message)));
  }
}

async function redrive(name) {
  const result = $('#dlq-result');
  result.textContent = 'redriving…';
  try {
    const answer = await api('/_evlab/ui/api/dlq/redrive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue: name }) });
    result.textContent = `${answer.redriven} redriven to ${answer.to}${answer.failed ? `, ${answer.failed} failed` : ''}`;
    result.dataset.redriven = answer.redriven;
  } catch (err) {
    result.textContent = err.message;
    result.className = 'error';
  }
  await refreshQueues();
  await openDlq(name);
}

// ---------- logs and tables ----------

function fillSelects() {
  const functions = state.graph.nodes.filter((n) => n.kind === 'function').map((n) => n.label);
  const fnSelect = $('#logs-function');
  const keepFn = fnSelect.value;
  fnSelect.replaceChildren(...functions.map((f) => el('option', { value: f }, f)));
  if (functions.includes(keepFn)) fnSelect.value = keepFn;
  const tableSelect = $('#tables-select');
  const keepTable = tableSelect.value;
  tableSelect.replaceChildren(el('option', { value: '' }, 'choose a table'), ...state.tables.map((t) => el('option', { value: t }, t)));
  if (state.tables.includes(keepTable)) tableSelect.value = keepTable;
}

$('#logs-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const fn = $('#logs-function').value;
  const filter = $('#logs-filter').value;
  const out = $('#logs');
  if (!fn) return;
  try {
    const { events } = await api(`/_evlab/ui/api/logs?function=${encodeURIComponent(fn)}&filter=${encodeURIComponent(filter)}`);
    out.textContent = events.map((l) => `${new Date(l.timestamp).toLocaleTimeString()}  ${l.message.trimEnd()}`).join('\n') || '(no log lines)';
    out.dataset.lines = events.length;
  } catch (err) {
    out.textContent = err.message;
  }
});

$('#tables-select').addEventListener('change', async (e) => {
  const table = e.target.value;
  if (!table) return;
  try {
    const { count, items } = await api(`/_evlab/ui/api/scan?table=${encodeURIComponent(table)}`);
    $('#table-count').textContent = `${count} item${count === 1 ? '' : 's'}${items.length < count ? ` (first ${items.length})` : ''}`;
    $('#table-count').dataset.count = count;
    const columns = [...new Set(items.flatMap((i) => Object.keys(i)))];
    $('#table-items thead').replaceChildren(el('tr', {}, ...columns.map((c) => el('th', {}, c))));
    $('#table-items tbody').replaceChildren(
      ...items.map((i) => el('tr', {}, ...columns.map((c) => el('td', {}, i[c] === undefined ? '' : typeof i[c] === 'object' ? JSON.stringify(i[c]) : String(i[c]))))),
    );
  } catch (err) {
    $('#table-count').textContent = err.message;
  }
});

// ---------- views ----------

for (const button of document.querySelectorAll('nav button')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b === button);
    for (const v of document.querySelectorAll('.view')) v.classList.toggle('active', v.id === `view-${button.dataset.view}`);
    if (button.dataset.view === 'dlq') refreshQueues().then(renderDlqs);
  });
}

$('#endpoint').textContent = location.host;
loadGraph()
  .then(refreshQueues)
  .then(connect)
  .catch((err) => {
    $('#graph').replaceChildren(el('p', { class: 'error' }, `The dashboard could not read the engine: ${err.message}`));
  });
