/**
 * One GPU session's results (bench/gpu/run-on-gpu.sh, unpacked) as one JSON file and one HTML
 * report with charts (Chart.js, like the load bench's): engine capacity per batch size for each
 * variant, and the aggregate of several processes decoding at once. Not a test.
 *
 *   node --import tsx bench/gpu/gpu-report.ts --out bench/results/gpu-h200-DATE --machine TEXT DIR...
 *
 * Each DIR holds gpu-capacity.ts JSON files: capacity-*.json and profile-*.json (one variant each)
 * and parallel-<processes>-<i>.json (one process each of a parallel step).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { chartJsSource, escapeHtml } from '../report/html-report.ts';
import type { CapacityFile, VariantResult } from './capacity-result.ts';

/** Several processes, each one decoding loop on its own WebGPU session, measured at once. */
export interface ParallelRun {
  processes: number;
  variant: string;
  batch: number;
  /** Sum of the processes' real-time streams, decoding alone (fbank counted apart). */
  rtStreams: number;
  /**
   * The same if each process also computed its streams' fbank on its one JS thread, from the
   * fbank time measured in the same run: audio / (decode + fbank) per process, summed.
   */
  rtStreamsWithFbank: number;
  perProcess: number[];
  msPerCall: number[];
}

/** Sums one parallel step's per-process files (all of one process count). */
export function aggregateParallel(processes: number, files: readonly Pick<CapacityFile, 'results'>[]): ParallelRun {
  const rows = files.flatMap((f) => f.results.flatMap((r) => r.batches.map((b) => ({ variant: r.variant, ...b }))));
  if (rows.length !== processes) throw new Error(`${processes} processes but ${rows.length} measured rows (a process failed?)`);
  const batches = new Set(rows.map((r) => r.batch));
  if (batches.size !== 1) throw new Error(`the processes ran different batch sizes: ${[...batches].join(', ')}`);
  return {
    processes,
    variant: rows[0].variant,
    batch: rows[0].batch,
    rtStreams: rows.reduce((s, r) => s + r.rtStreams, 0),
    rtStreamsWithFbank: rows.reduce((s, r) => s + r.audioSeconds / (r.decodeSeconds + r.fbankSeconds), 0),
    perProcess: rows.map((r) => r.rtStreams),
    msPerCall: rows.map((r) => r.msPerCall),
  };
}

export interface GpuReport {
  machine: string;
  date: string;
  model: string;
  command: string;
  capacity: VariantResult[];
  profiles: VariantResult[];
  parallel: ParallelRun[];
}

/** Reads every result file of the given folders into one report. */
export function readGpuResults(dirs: readonly string[], meta: Pick<GpuReport, 'machine' | 'model' | 'command'>): GpuReport {
  const capacity: VariantResult[] = [];
  const profiles: VariantResult[] = [];
  const parallel: ParallelRun[] = [];
  let date = '';
  for (const dir of dirs) {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    const read = (f: string): CapacityFile => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CapacityFile;
    for (const f of files.filter((f) => f.startsWith('capacity-'))) {
      const file = read(f);
      date ||= file.date.slice(0, 10);
      capacity.push(...file.results);
    }
    for (const f of files.filter((f) => f.startsWith('profile-'))) profiles.push(...read(f).results);
    const groups = new Map<number, CapacityFile[]>();
    for (const f of files) {
      const m = /^parallel-(\d+)-\d+\.json$/.exec(f);
      if (m) groups.set(Number(m[1]), [...(groups.get(Number(m[1])) ?? []), read(f)]);
    }
    for (const [n, group] of [...groups].sort((a, b) => a[0] - b[0])) parallel.push(aggregateParallel(n, group));
  }
  return { ...meta, date, capacity, profiles, parallel };
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

export function renderGpuHtml(report: GpuReport): string {
  const series = (key: 'rtStreams' | 'msPerCall') =>
    report.capacity.map((v, i) => ({
      label: v.variant,
      data: v.batches.map((b) => ({ x: b.batch, y: Math.round(b[key] * 10) / 10 })),
      borderColor: PALETTE[i % PALETTE.length],
      showLine: true,
    }));
  const labels = report.parallel.map((p) => `${p.processes} × batch ${p.batch} (${p.variant})`);
  const charts = {
    streams: { type: 'scatter', data: { datasets: series('rtStreams') }, options: { scales: { x: { type: 'logarithmic', title: { display: true, text: 'streams per call (batch)' } }, y: { min: 0, title: { display: true, text: 'real-time streams one decoding loop keeps up with' } } } } },
    call: { type: 'scatter', data: { datasets: series('msPerCall') }, options: { scales: { x: { type: 'logarithmic', title: { display: true, text: 'streams per call (batch)' } }, y: { min: 0, title: { display: true, text: 'ms per call' } } } } },
    parallel: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'decoding (fbank apart)', data: report.parallel.map((p) => Math.round(p.rtStreams)), backgroundColor: PALETTE[0] },
          { label: 'with each process computing its fbank', data: report.parallel.map((p) => Math.round(p.rtStreamsWithFbank)), backgroundColor: PALETTE[2] },
        ],
      },
      options: { scales: { y: { min: 0, title: { display: true, text: 'real-time streams, all processes' } } } },
    },
  };
  const rows = report.capacity.flatMap((v) =>
    v.batches.map((b) => `<tr><td>${escapeHtml(v.variant)}</td><td>${b.batch}</td><td>${b.rtStreams.toFixed(0)}</td><td>${b.msPerCall.toFixed(1)}</td></tr>`),
  );
  const prows = report.parallel.map(
    (p, i) => `<tr><td>${escapeHtml(labels[i])}</td><td>${p.rtStreams.toFixed(0)}</td><td>${p.rtStreamsWithFbank.toFixed(0)}</td><td>${p.perProcess.map((x) => x.toFixed(0)).join(', ')}</td></tr>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Earshot on the GPU: engine capacity</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}canvas{max-height:380px}</style>
</head><body><h1>Earshot on the GPU — engine capacity</h1>
<p><code>${escapeHtml(report.command)}</code><br>${escapeHtml(report.machine)} · ${escapeHtml(report.date)} · model ${escapeHtml(report.model)}</p>
<table><thead><tr><th>variant</th><th>batch</th><th>RT streams</th><th>ms per call</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<h2>Real-time streams vs batch</h2><canvas id="streams"></canvas>
<h2>Time per call vs batch</h2><canvas id="call"></canvas>
${report.parallel.length ? `<h2>Several processes on one GPU</h2><table><thead><tr><th>run</th><th>RT streams (decoding)</th><th>with fbank on the same thread</th><th>per process</th></tr></thead><tbody>${prows.join('')}</tbody></table><canvas id="parallel"></canvas>` : ''}
<script>${chartJsSource()}</script>
<script>const charts=${JSON.stringify(charts)};for(const [id,cfg] of Object.entries(charts)){const el=document.getElementById(id);if(el)new Chart(el,cfg);}</script>
</body></html>`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, machine: { type: 'string', default: '' }, model: { type: 'string', default: 'heavy-31m' }, command: { type: 'string', default: 'bash bench/gpu/run-on-gpu.sh' } },
  });
  if (!values.out || positionals.length === 0) throw new Error('usage: gpu-report.ts --out PREFIX [--machine TEXT] DIR...');
  const report = readGpuResults(positionals, { machine: values.machine!, model: values.model!, command: values.command! });
  writeFileSync(`${values.out}.json`, `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(`${values.out}.html`, renderGpuHtml(report));
  for (const p of report.parallel) console.log(`${p.processes} processes × batch ${p.batch}: ${p.rtStreams.toFixed(0)} RT streams (${p.rtStreamsWithFbank.toFixed(0)} with fbank on the same thread)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
