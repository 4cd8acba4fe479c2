// Figure — S3 throughput through the SDK: PutObject and GetObject of 1 MB objects (MB/s) and the
// small-object round trip (put + get of 1 KB, pairs/s), one request in flight, evlab's engine against moto.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { interleave } from './stats.mjs';
import { startMoto } from './servers.mjs';
import { engineFor } from './event-flow.mjs';

export const id = 's3';
export const title = 'S3 throughput';

const MB = 1024 * 1024;

function s3For(endpoint) {
  return new S3Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, forcePathStyle: true });
}

async function drain(body) {
  let n = 0;
  for await (const chunk of body) n += chunk.length;
  return n;
}

export async function measure(fig, ctx) {
  const { peers, cfg } = ctx;
  const rows = ['PutObject 1 MB', 'GetObject 1 MB', 'Put+Get 1 KB'];
  fig.declare(rows[0], { kind: 'rate', peerName: 'moto' });
  fig.declare(rows[1], { kind: 'rate', peerName: 'moto' });
  fig.declare(rows[2], { kind: 'rate', peerName: 'moto' });
  const motoMissing = peers.moto.python ? undefined : `missing: ${peers.moto.missing}`;

  const { engine, shared, release } = await engineFor(ctx);
  const moto = peers.moto.python ? await startMoto(peers).catch(async (err) => (await release(), Promise.reject(err))) : undefined;
  const clients = { evlab: s3For(engine.url), ...(moto ? { moto: s3For(moto.url) } : {}) };
  const big = Buffer.alloc(MB, 'e');
  const small = Buffer.alloc(1024, 's');
  const n = cfg.s3.objects;
  try {
    for (const c of Object.values(clients)) await c.send(new CreateBucketCommand({ Bucket: 'bench-s3' }));
    const bySubject = (op) => Object.fromEntries(Object.entries(clients).map(([who, c]) => [who, () => op(c)]));
    const timed = async (count, unitsPerOp, work) => {
      const started = performance.now();
      for (let i = 0; i < count; i++) await work(i);
      return (count * unitsPerOp * 1000) / (performance.now() - started);
    };

    await fig.part([rows[0]], async () => {
      const r = await interleave(
        bySubject((c) => timed(n, 1, (i) => c.send(new PutObjectCommand({ Bucket: 'bench-s3', Key: `big/${i}`, Body: big })))),
        { warmup: cfg.s3.warmup, runs: cfg.s3.runs, unit: 'MB/s' },
      );
      fig.set(rows[0], { evlab: r.evlab, peer: r.moto, peerMissing: motoMissing });
    });
    await fig.part([rows[1]], async () => {
      const r = await interleave(
        bySubject((c) =>
          timed(n, 1, async (i) => {
            const got = await c.send(new GetObjectCommand({ Bucket: 'bench-s3', Key: `big/${i}` }));
            if ((await drain(got.Body)) !== MB) throw new Error('GetObject returned a short body');
          }),
        ),
        { warmup: cfg.s3.warmup, runs: cfg.s3.runs, unit: 'MB/s' },
      );
      fig.set(rows[1], { evlab: r.evlab, peer: r.moto, peerMissing: motoMissing });
    });
    await fig.part([rows[2]], async () => {
      const r = await interleave(
        bySubject((c) =>
          timed(cfg.s3.small, 1, async (i) => {
            await c.send(new PutObjectCommand({ Bucket: 'bench-s3', Key: `small/${i % 50}`, Body: small }));
            const got = await c.send(new GetObjectCommand({ Bucket: 'bench-s3', Key: `small/${i % 50}` }));
            await drain(got.Body);
          }),
        ),
        { warmup: cfg.s3.warmup, runs: cfg.s3.runs, unit: 'pairs/s' },
      );
      fig.set(rows[2], { evlab: r.evlab, peer: r.moto, peerMissing: motoMissing });
    });
    fig.note(
      `${n} sequential 1 MB PUTs then GETs per run and ${cfg.s3.small} 1 KB put+get pairs, one request in flight (keep-alive), SDK v3 in the bench process, each server in its own process; evlab streams bodies to disk, moto keeps them in memory.${shared ? ' (--quick: on the event-flow engine.)' : ''}`,
    );
  } finally {
    for (const c of Object.values(clients)) c.destroy();
    await release();
    await moto?.stop();
  }
}
