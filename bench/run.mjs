#!/usr/bin/env node
// evlab's performance suite (issue 5). `npm run bench` builds, then runs this file:
//   node bench/run.mjs [--quick] [--only <figure>[,<figure>…]] [--out <dir>]
// Writes <dir>/results.md and <dir>/results.json (default dir: bench/). See bench/README.md.
// The SDK warns on Node 20 about its releases from 2027 on; the lockfile pins releases that support Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Figure, machine, toJson, toMarkdown } from './lib/report.mjs';
import { findPeers } from './lib/peers.mjs';
import * as cliStart from './lib/fig-cli-start.mjs';
import * as setup from './lib/fig-setup.mjs';
import * as relambda from './lib/fig-relambda.mjs';
import * as engineStart from './lib/fig-engine-start.mjs';
import * as engineApi from './lib/fig-engine-api.mjs';
import * as eventFlow from './lib/fig-event-flow.mjs';
import * as failurePath from './lib/fig-failure-path.mjs';
import * as scaling from './lib/fig-scaling.mjs';
import * as demo from './lib/fig-demo.mjs';
import * as apigateway from './lib/fig-apigateway.mjs';
import * as s3 from './lib/fig-s3.mjs';
import * as traceRing from './lib/fig-trace-ring.mjs';
import * as memory from './lib/fig-memory.mjs';

const FIGURES = [cliStart, setup, relambda, engineStart, engineApi, eventFlow, failurePath, scaling, demo, s3, apigateway, traceRing, memory];

// Full runs: medians over several runs, sized to keep the whole suite near 5 minutes on 2 cores.
const FULL = {
  awsSequences: true,
  cli: { warmup: 3, runs: 15 },
  setup: { warmup: 1, runs: 3 },
  rerun: { warmup: 1, runs: 7 },
  relambda: { warmup: 1, runs: 5 },
  engineStart: { warmup: 1, runs: 5, idleMs: 500 },
  api: { warmup: 1, runs: 5, ops: 100 },
  // The flow's warm-up is 10 000 events per runtime: the engine and each of its (up to 10) function
  // environments JIT-compile their hot paths over the first thousands of events, which until then cost
  // two to three times the CPU per event (measured), and N=1000 would otherwise measure mostly that.
  flow: { sizes: [1000, 10_000], warmup: 10_000, runs: 3, budgetMs: 45_000, senders: 4, maxRunMs: 90_000, paced: { n: 5000, rate: 1000 } },
  coldStart: { runs: 5 },
  failure: { warmup: 0, runs: 3 },
  scaling: { sizes: [100, 1000, 10_000] },
  demo: { warmup: 1, runs: 3 },
  apigateway: { warmup: 200, requests: 1000, runs: 3 },
  s3: { warmup: 1, runs: 3, objects: 10, small: 50 },
  traces: { small: 10_000, large: 100_000 },
  memory: { checkpoints: [10_000, 50_000, 100_000], soak: { rate: 500, seconds: 300, sampleEveryMs: 5000 } },
};

// --quick: the smoke run of `npm test`. It checks that every figure still produces an evlab number,
// it measures nothing worth quoting: tiny N, one run, no warm-up, one engine shared by the figures
// that do not need a fresh one, and no aws CLI command sequences (figures 2–3's slowest peers).
const QUICK = {
  awsSequences: false,
  cli: { warmup: 0, runs: 1 },
  setup: { warmup: 0, runs: 1 },
  rerun: { warmup: 0, runs: 1 },
  relambda: { warmup: 0, runs: 1 },
  engineStart: { warmup: 0, runs: 1, idleMs: 100 },
  api: { warmup: 0, runs: 1, ops: 10 },
  flow: { sizes: [10, 20], warmup: 0, runs: 1, budgetMs: 5_000, senders: 2, maxRunMs: 20_000, paced: { n: 20, rate: 200 } },
  coldStart: { runs: 1 },
  failure: { warmup: 0, runs: 1 },
  // The flow's own sizes: figure 8 reuses figure 6's runs instead of firing more events.
  scaling: { sizes: [10, 20] },
  demo: { warmup: 0, runs: 1 },
  apigateway: { warmup: 5, requests: 20, runs: 1 },
  s3: { warmup: 0, runs: 1, objects: 3, small: 10 },
  // A ring of 100 so that the quick run drops (and counts) traces too.
  traces: { small: 200, large: 400, maxTraces: 100 },
  memory: { checkpoints: [100, 200, 300], soak: { rate: 100, seconds: 3, sampleEveryMs: 1000 } },
};

function parseArgs(argv) {
  const opts = { quick: false, only: undefined, out: fileURLToPath(new URL('.', import.meta.url)) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg.startsWith('--only=')) opts.only = arg.slice(7).split(',').filter(Boolean);
    else if (arg === '--out') opts.out = resolve(value());
    else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  if (opts.only) {
    for (const name of opts.only) if (!pickFigure(name)) usage(`unknown figure "${name}"`);
  }
  return opts;
}

function pickFigure(name) {
  return FIGURES.find((f, i) => f.id === name || String(i + 1) === name);
}

function usage(problem) {
  const text = `usage: node bench/run.mjs [--quick] [--only <figure>[,<figure>…]] [--out <dir>]\nfigures: ${FIGURES.map((f, i) => `${i + 1}|${f.id}`).join(', ')}\n`;
  if (problem) {
    process.stderr.write(`bench: ${problem}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cfg = opts.quick ? QUICK : FULL;
  const started = performance.now();
  const peers = await findPeers();
  const peersMissing = {};
  if (!peers.aws.path) peersMissing['aws CLI'] = peers.aws.missing;
  if (!peers.moto.python) peersMissing.moto = peers.moto.missing;
  if (!peers.python.path) peersMissing.python3 = peers.python.missing;
  for (const [name, why] of Object.entries(peersMissing)) process.stderr.write(`bench: PEER MISSING — ${name}: ${why}; its comparisons will read n/a\n`);

  const selected = opts.only ? FIGURES.filter((f) => opts.only.some((n) => pickFigure(n) === f)) : FIGURES;
  const ctx = { quick: opts.quick, cfg, peers, cache: {}, cleanups: new Set() };
  // A figure runs alone, so that figures do not slow each other down; in --quick (numbers, not
  // measurements) a figure that starts its own engine and mostly waits (the demo) runs alongside the others.
  const measureFigure = async (mod, fig, how = '') => {
    const t0 = performance.now();
    process.stderr.write(`bench: ${mod.title} …${how}\n`);
    try {
      await mod.measure(fig, ctx);
    } catch (err) {
      fig.fail(undefined, err);
      if (process.env.BENCH_DEBUG) console.error(err);
    }
    const problems = fig.rows.filter((r) => r.error);
    process.stderr.write(`bench: ${mod.title} done in ${((performance.now() - t0) / 1000).toFixed(1)} s${problems.length ? ` — ${problems.length} row(s) not measured: ${problems[0].error}` : ''}\n`);
  };
  const figures = selected.map((mod) => new Figure(mod.id, mod.title));
  try {
    const background = new Map();
    if (opts.quick) {
      selected.forEach((mod, i) => {
        if (mod.quickInBackground) background.set(mod, measureFigure(mod, figures[i], ' (--quick: alongside the other figures)'));
      });
    }
    for (const [i, mod] of selected.entries()) {
      if (background.has(mod)) await background.get(mod);
      else await measureFigure(mod, figures[i]);
    }
  } finally {
    for (const cleanup of ctx.cleanups) await cleanup().catch(() => undefined);
  }

  const meta = {
    generatedAt: new Date().toISOString(),
    quick: opts.quick,
    only: opts.only,
    durationSeconds: (performance.now() - started) / 1000,
    machine: machine(),
    peers: { python: peers.python.version, aws: peers.aws.version, moto: peers.moto.version },
    peersMissing,
    config: cfg,
  };
  mkdirSync(opts.out, { recursive: true });
  const md = toMarkdown({ figures, meta });
  writeFileSync(join(opts.out, 'results.json'), `${JSON.stringify(toJson({ figures, meta }), null, 2)}\n`);
  writeFileSync(join(opts.out, 'results.md'), md);
  process.stdout.write(md);
  process.stderr.write(`bench: wrote ${join(opts.out, 'results.md')} and results.json in ${meta.durationSeconds.toFixed(0)} s\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack ?? err}\n`);
  process.exit(1);
});
