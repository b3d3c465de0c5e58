// Model install throughput (never part of the tests): loopback download with SHA-256,
// pure-JS .tar.bz2 unpacking (unbzip2-stream + tar) against the system `tar xjf`, and the
// manifest hashing, on an archive of float32 "weights" like a real ONNX model's.
// Run: node --import tsx bench/model-install-bench.ts [megabytes]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startArchiveServer } from '../test-support/model-archive-server.ts';
import { extractTarBz2 } from '../src/serving/models/archive-extractor.ts';
import { downloadFile } from '../src/serving/models/model-downloader.ts';
import { hashTree } from '../src/serving/models/model-manifest.ts';

const megabytes = Number(process.argv[2] ?? 64);

/** Gaussian float32 values: bzip2 shrinks them about as little as it shrinks trained weights. */
function weights(bytes: number): Buffer {
  const f = new Float32Array(Math.floor(bytes / 4));
  let s = 42;
  const uniform = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < f.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * 0.05;
    const t = 2 * Math.PI * uniform();
    f[i] = r * Math.cos(t);
    if (i + 1 < f.length) f[i + 1] = r * Math.sin(t);
  }
  return Buffer.from(f.buffer);
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const work = mkdtempSync(path.join(tmpdir(), 'earshot-install-bench-'));
try {
  const root = 'bench-model';
  mkdirSync(path.join(work, 'src', root), { recursive: true });
  writeFileSync(path.join(work, 'src', root, 'encoder.onnx'), weights(megabytes * 1e6));
  writeFileSync(path.join(work, 'src', root, 'tokens.txt'), 'a 0\n');
  const pack = await timed(() => execFileSync('tar', ['cjf', path.join(work, 'm.tar.bz2'), '-C', path.join(work, 'src'), root]));
  const archive = readFileSync(path.join(work, 'm.tar.bz2'));
  const mb = (n: number) => n / 1e6;
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`);
  console.log(`archive: ${mb(statSync(path.join(work, 'src', root, 'encoder.onnx')).size).toFixed(1)} MB of float32 -> ${mb(archive.length).toFixed(1)} MB .tar.bz2 (system tar cjf ${(pack.wallMs / 1000).toFixed(1)} s)`);

  const server = await startArchiveServer(archive);
  const dl = await timed(() =>
    downloadFile({ url: server.url, partialPath: path.join(work, 'dl.partial'), destPath: path.join(work, 'dl.tar.bz2') }),
  );
  await server.stop();
  console.log(`download (loopback, SHA-256 while writing): ${(mb(archive.length) / (dl.wallMs / 1000)).toFixed(0)} MB/s wall, ${dl.cpuMs.toFixed(0)} ms CPU`);

  const js = await timed(() => extractTarBz2(path.join(work, 'dl.tar.bz2'), path.join(work, 'js')));
  console.log(`unpack, unbzip2-stream + tar (pure JS): ${(js.wallMs / 1000).toFixed(1)} s wall, ${(js.cpuMs / 1000).toFixed(1)} s CPU = ${(mb(archive.length) / (js.wallMs / 1000)).toFixed(1)} MB/s compressed`);

  mkdirSync(path.join(work, 'sys'));
  const sys = await timed(() => execFileSync('tar', ['xjf', path.join(work, 'dl.tar.bz2'), '-C', path.join(work, 'sys')]));
  console.log(`unpack, system tar xjf (libbz2, same machine): ${(sys.wallMs / 1000).toFixed(1)} s wall = ${(mb(archive.length) / (sys.wallMs / 1000)).toFixed(1)} MB/s; pure JS / system = ${(js.wallMs / sys.wallMs).toFixed(1)}x`);

  const same = readFileSync(path.join(work, 'js', root, 'encoder.onnx')).equals(readFileSync(path.join(work, 'sys', root, 'encoder.onnx')));
  console.log(`unpacked bytes identical to system tar: ${same}`);

  const hashed = await timed(() => hashTree(path.join(work, 'js', root)));
  console.log(`manifest hashing: ${(mb(megabytes * 1e6) / (hashed.wallMs / 1000)).toFixed(0)} MB/s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
