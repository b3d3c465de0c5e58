// The fixed cost of one onnxruntime-node call per input/output tensor (never part of the tests).
// Run: npm run bench:ort-overhead -- [--model DIR] [--calls 200] [--rounds 10]
//
// A streaming zipformer2 encoder takes and returns ~75 tensors (6 states per layer); a NeMo CTC
// encoder 4. This times, at batch 1: the encoder itself; an identity graph with exactly its inputs
// (names, types, shapes); and an identity graph of ONE tensor with the same bytes. The difference
// between the two identity graphs is what the tensor count alone costs per call. For a model with
// many states it also times the encoder rewritten to pass its float states as one tensor.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { REPO_ROOT } from '../scenario/serve-process.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(REPO_ROOT, 'bench', '.cache', 'models', 'zipformer2-bench') },
    calls: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '10' },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const modelDir = values.model as string;
// A transducer's encoder, or the single graph of a CTC model.
const encoderPath = ['encoder.onnx', 'model.onnx'].map((f) => join(modelDir, f)).find((p) => existsSync(p)) ?? join(modelDir, 'encoder.onnx');
const options: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

/** Batch-1 feeds for every input of a session: symbolic dims become 1, values small and nonzero. */
function feedsFor(session: InferenceSession): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  session.inputNames.forEach((name, i) => {
    const meta = session.inputMetadata[i];
    if (!meta.isTensor) throw new Error(`${name} is not a tensor`);
    const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[name] =
      meta.type === 'int64'
        ? new Tensor('int64', new BigInt64Array(size), dims)
        : new Tensor('float32', new Float32Array(size).fill(0.01), dims);
  });
  return feeds;
}

/**
 * Best per-call time in µs of each session, over `rounds` rounds of `calls` calls, the sessions
 * interleaved round by round (so that this machine's drift hits all alike; the minimum resists noise).
 */
async function perCall(sessions: InferenceSession[]): Promise<number[]> {
  const feeds = sessions.map(feedsFor);
  for (const [i, s] of sessions.entries()) for (let k = 0; k < 20; k++) await s.run(feeds[i]);
  const best = sessions.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of sessions.entries()) {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < calls; k++) await s.run(feeds[i]);
      best[i] = Math.min(best[i], Number(process.hrtime.bigint() - t0) / calls / 1000);
    }
  }
  return best;
}

const dir = mkdtempSync(join(tmpdir(), 'earshot-ort-overhead-'));
try {
  const made = execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'bench', 'ort-overhead', 'make-identity-models.py'), encoderPath, dir], {
    encoding: 'utf8',
  }).trim();
  const encoder = await InferenceSession.create(encoderPath, options);
  const all = await InferenceSession.create(join(dir, 'identity-all.onnx'), options);
  const one = await InferenceSession.create(join(dir, 'identity-one.onnx'), options);
  const n = all.inputNames.length;
  const sessions = [encoder, all, one];
  // Many states (a transducer's): also the same encoder with its float states packed into one tensor.
  if (n > 8) {
    const packedPath = join(dir, 'encoder-packed.onnx');
    execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'bench', 'ort-overhead', 'make-packed-encoder.py'), encoderPath, packedPath]);
    sessions.push(await InferenceSession.create(packedPath, options));
  }
  const [tEnc, tAll, tOne, tPacked] = await perCall(sessions);
  console.log(`# onnxruntime-node call overhead, batch 1, ${relative(REPO_ROOT, encoderPath)} (${made}); best of ${rounds} × ${calls} calls`);
  console.log(`encoder call:                         ${tEnc.toFixed(0)} µs`);
  console.log(`identity, its ${n} inputs/outputs:     ${tAll.toFixed(0)} µs`);
  console.log(`identity, 1 tensor of the same bytes: ${tOne.toFixed(0)} µs`);
  console.log(
    `→ tensor count alone: ${(tAll - tOne).toFixed(0)} µs per call (${((tAll - tOne) / (2 * n)).toFixed(1)} µs per input or output), ${((100 * (tAll - tOne)) / tEnc).toFixed(0)} % of the encoder call`,
  );
  if (tPacked !== undefined) {
    console.log(
      `encoder with its float states packed into one tensor (make-packed-encoder.py): ${tPacked.toFixed(0)} µs (${((100 * (tPacked - tEnc)) / tEnc).toFixed(0)} % vs the encoder call)`,
    );
  }
  await Promise.all(sessions.map((session) => session.release()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
