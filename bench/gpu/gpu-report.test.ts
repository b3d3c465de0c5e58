import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchResult, CapacityFile } from './capacity-result.ts';
import { aggregateParallel, readGpuResults, renderGpuHtml } from './gpu-report.ts';

const row = (batch: number, rtStreams: number, over: Partial<BatchResult> = {}): BatchResult => ({
  batch,
  audioSeconds: 100,
  fbankSeconds: 0.1,
  decodeSeconds: 100 / rtStreams,
  calls: 34,
  rtStreams,
  msPerCall: 10,
  ...over,
});
const file = (variant: string, batches: BatchResult[]): CapacityFile => ({
  date: '2026-11-28T18:42:16.625Z',
  modelDir: '/tmp/heavy-31m',
  clipSeconds: 11,
  cores: 16,
  results: [{ variant, provider: variant.split(':')[0], carry: variant.endsWith(':carry'), threads: 16, loadSeconds: 1, batches }],
});

describe('aggregateParallel', () => {
  it('sums the processes, decoding alone and with each one computing its fbank on the same thread', () => {
    const run = aggregateParallel(2, [file('webgpu:carry', [row(64, 400)]), file('webgpu:carry', [row(64, 600)])]);
    expect(run).toMatchObject({ processes: 2, variant: 'webgpu:carry', batch: 64, rtStreams: 1000, perProcess: [400, 600] });
    // 100 s of audio in 0.25 + 0.1 s and in 0.1667 + 0.1 s.
    expect(run.rtStreamsWithFbank).toBeCloseTo(100 / 0.35 + 100 / (100 / 600 + 0.1), 6);
  });

  it('refuses a step where a process measured nothing, or the processes ran different batches', () => {
    expect(() => aggregateParallel(2, [file('webgpu:carry', [row(64, 400)]), file('webgpu:carry', [])])).toThrow(/2 processes but 1 measured rows/);
    expect(() => aggregateParallel(2, [file('x', [row(64, 400)]), file('x', [row(16, 100)])])).toThrow(/different batch sizes: 64, 16/);
  });
});

describe('readGpuResults + renderGpuHtml', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'earshot-gpu-report-'));
    writeFileSync(join(dir, 'capacity-carry.json'), JSON.stringify(file('webgpu:carry', [row(1, 18), row(256, 1216)])));
    writeFileSync(join(dir, 'capacity-copy.json'), JSON.stringify(file('webgpu:copy', [row(1, 18), row(256, 135)])));
    writeFileSync(join(dir, 'profile-carry-16.json'), JSON.stringify(file('webgpu:carry', [row(16, 64)])));
    for (let i = 1; i <= 4; i++) writeFileSync(join(dir, `parallel-4-${i}.json`), JSON.stringify(file('webgpu:carry', [row(256, 800)])));
    writeFileSync(join(dir, 'parallel-4-1.log'), 'not json');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('collects capacity, profile and parallel files of a results folder', () => {
    const report = readGpuResults([dir], { machine: 'H200', model: 'heavy-31m', command: 'bash bench/gpu/run-on-gpu.sh' });
    expect(report.date).toBe('2026-11-28');
    expect(report.capacity.map((v) => v.variant)).toEqual(['webgpu:carry', 'webgpu:copy']);
    expect(report.profiles).toHaveLength(1);
    expect(report.parallel).toHaveLength(1);
    expect(report.parallel[0]).toMatchObject({ processes: 4, batch: 256, rtStreams: 3200 });
  });

  it('renders the tables and three charts with Chart.js inlined', () => {
    const html = renderGpuHtml(readGpuResults([dir], { machine: 'H200 <16 cores>', model: 'heavy-31m', command: 'run' }));
    expect(html).toContain('H200 &lt;16 cores&gt;');
    expect(html).toContain('<td>webgpu:copy</td><td>256</td><td>135</td>');
    expect(html).toContain('<td>4 × batch 256 (webgpu:carry)</td><td>3200</td>');
    for (const id of ['streams', 'call', 'parallel']) expect(html).toContain(`<canvas id="${id}">`);
    expect(html).toMatch(/Chart\.js v\d/);
  });
});
