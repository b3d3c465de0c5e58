import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cdf } from '../stats.ts';
import type { BenchReport } from './bench-report.ts';

const require = createRequire(import.meta.url);

/** Chart.js's UMD bundle, inlined so the report opens offline from a file. */
export function chartJsSource(): string {
  // The package's "exports" hide dist/ files: find dist/ through its main entry (dist/chart.cjs).
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

const fmt = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function summaryTable(report: BenchReport): string {
  const rows = report.runs.map((r) => {
    const s = r.result;
    return `<tr><td>${escapeHtml(r.variant)}</td><td>${s.sessions}</td><td>${fmt(100 * s.successRate, 1)}%</td>
<td>${s.rejected}</td><td>${s.timedOut}</td><td>${s.errors}</td><td>${fmt(s.finalLatency.p50)}</td><td>${fmt(s.finalLatency.p95)}</td>
<td>${fmt(s.finalLatency.p99)}</td><td>${fmt(s.firstPartial.p50)}</td><td>${fmt(s.queueWait.p95)}</td><td>${fmt(r.meanCpuPercent)}</td><td>${fmt(r.peakRssMb)}</td></tr>`;
  });
  return `<table><thead><tr><th>variant</th><th>sessions</th><th>success</th><th>503</th><th>timed out</th><th>errors</th>
<th>final p50 ms</th><th>final p95 ms</th><th>final p99 ms</th><th>first partial p50 ms</th><th>queue wait p95 ms</th>
<th>CPU %</th><th>peak RSS MB</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checksTable(report: BenchReport): string {
  const ratios = (report.ratios ?? []).map(
    (r) => `<tr><td>${escapeHtml(r.name)}</td><td>${r.value === null ? '∞' : `${fmt(r.value, 2)}×`}</td><td>${r.target !== undefined ? `≥ ${r.target}×` : ''}</td></tr>`,
  );
  const checks = (report.checks ?? []).map(
    (c) => `<tr><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.target)}</td><td>${escapeHtml(c.measured)}</td><td style="color:${c.pass ? '#16a34a' : '#dc2626'}">${c.pass ? 'met' : 'MISSED'}</td></tr>`,
  );
  const extras = report.runs.filter((r) => r.extra && Object.keys(r.extra).length);
  return [
    ratios.length ? `<h2>Side by side</h2><table><thead><tr><th>ratio</th><th>measured</th><th>target</th></tr></thead><tbody>${ratios.join('')}</tbody></table>` : '',
    checks.length ? `<h2>Targets</h2><table><thead><tr><th>check</th><th>target</th><th>measured</th><th></th></tr></thead><tbody>${checks.join('')}</tbody></table>` : '',
    extras.length
      ? `<h2>Details</h2>${extras.map((r) => `<p><b>${escapeHtml(r.variant)}</b>: ${Object.entries(r.extra!).map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(String(v))}`).join(' · ')}</p>`).join('')}`
      : '',
  ].join('\n');
}

/** Builds a self-contained HTML report with latency CDFs, queue wait over time and ramp curves. */
export function renderHtmlReport(report: BenchReport): string {
  const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];
  const latencyCdf = report.runs.map((r, i) => ({
    label: r.variant,
    data: cdf(r.result.outcomes.filter((o) => o.success).map((o) => o.finalLatencyMs ?? Number.NaN)),
    borderColor: palette[i % palette.length],
    showLine: true,
    pointRadius: 0,
  }));
  const queueOverTime = report.runs.map((r, i) => ({
    label: r.variant,
    data: r.result.outcomes.filter((o) => o.success).map((o) => ({ x: o.startedAt / 1000, y: o.queueWaitMs / 1000 })),
    backgroundColor: palette[i % palette.length],
    pointRadius: 2,
  }));
  const ramp = (report.ramp ?? []).flatMap((r, i) => [
    { label: `${r.variant} success %`, data: r.points.map((p) => ({ x: p.concurrency, y: 100 * p.successRate })), borderColor: palette[i % palette.length], yAxisID: 'y', showLine: true },
    { label: `${r.variant} p95 final ms`, data: r.points.map((p) => ({ x: p.concurrency, y: p.p95FinalLatencyMs })), borderColor: palette[i % palette.length], borderDash: [6, 4], yAxisID: 'y1', showLine: true },
  ]);
  const cpu = report.runs.map((r, i) => ({
    label: r.variant,
    data: r.resources.map((x) => ({ x: Math.round(x.t * 10) / 10, y: Math.round(x.cpuPercent) })),
    borderColor: palette[i % palette.length],
    showLine: true,
    pointRadius: 0,
  }));
  const charts = {
    latency: { type: 'scatter', data: { datasets: latencyCdf }, options: { scales: { x: { title: { display: true, text: 'final latency after end of speech (ms)' } }, y: { min: 0, max: 1, title: { display: true, text: 'fraction of sessions' } } } } },
    queue: { type: 'scatter', data: { datasets: queueOverTime }, options: { scales: { x: { title: { display: true, text: 'session start (s into the run)' } }, y: { title: { display: true, text: 'queue wait (s)' } } } } },
    cpu: { type: 'scatter', data: { datasets: cpu }, options: { scales: { x: { title: { display: true, text: 's since the server started' } }, y: { min: 0, title: { display: true, text: 'server CPU % (100 = one core)' } } } } },
    ramp: { type: 'scatter', data: { datasets: ramp }, options: { scales: { x: { title: { display: true, text: 'concurrent streams' } }, y: { min: 0, max: 100, title: { display: true, text: 'success %' } }, y1: { position: 'right', title: { display: true, text: 'p95 final latency (ms)' } } } } },
  };
  const settings = Object.entries(report.settings).map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(String(v))}`).join(', ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Earshot bench: ${escapeHtml(report.scenario)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}canvas{max-height:380px}</style>
</head><body><h1>Earshot bench — ${escapeHtml(report.scenario)}</h1>
<p><code>${escapeHtml(report.command)}</code><br>${escapeHtml(report.machine)} · ${escapeHtml(report.date)} · model ${escapeHtml(report.model)}<br>${settings}</p>
${report.loadAverage ? `<p>Machine load average (other jobs share the CPU): ${fmt(report.loadAverage.start, 1)} at start, ${fmt(report.loadAverage.end, 1)} at end.</p>` : ''}
${summaryTable(report)}
${checksTable(report)}
${report.notes.length ? `<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
<h2>Final latency (CDF)</h2><canvas id="latency"></canvas>
<h2>Queue wait over time</h2><canvas id="queue"></canvas>
<h2>Server CPU over time</h2><canvas id="cpu"></canvas>
${report.ramp?.length ? '<h2>Ramp: success and p95 latency vs concurrency</h2><canvas id="ramp"></canvas>' : ''}
<script>${chartJsSource()}</script>
<script>const charts=${JSON.stringify(charts)};for(const [id,cfg] of Object.entries(charts)){const el=document.getElementById(id);if(el)new Chart(el,cfg);}</script>
</body></html>`;
}
