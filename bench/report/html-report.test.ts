import { describe, expect, it } from 'vitest';
import { aggregateOutcomes } from '../load/load-runner.ts';
import type { BenchReport } from './bench-report.ts';
import { renderHtmlReport } from './html-report.ts';

describe('HTML report', () => {
  it('is self-contained (Chart.js inlined), escapes text and shows checks', () => {
    const result = aggregateOutcomes(
      [{ id: 0, startedAt: 0, success: true, timedOut: false, queueWaitMs: 0, maxQueuePosition: 0, finals: 1, duplicateFinals: 0, lastUtterance: 0, text: '', finalLatencyMs: 120 }],
      [4],
      5000,
    );
    const report: BenchReport = {
      scenario: 'postmortem',
      command: 'earshot bench postmortem <x>',
      machine: '2 cores',
      date: '2026-11-27',
      model: 'm',
      settings: { sessions: 1 },
      runs: [{ variant: 'earshot', description: '', result, resources: [{ t: 1, cpuPercent: 50, rssMb: 100 }], peakRssMb: 100, meanCpuPercent: 50 }],
      checks: [{ name: 'success', target: '100%', measured: '100.0%', pass: true }],
      ratios: [{ name: 'sessions served: earshot / serial', numerator: 'earshot', denominator: 'serial', value: null }],
      notes: [],
    };
    const html = renderHtmlReport(report);
    expect(html).toContain('&lt;x&gt;');
    expect(html).not.toContain('<x>');
    expect(html).toMatch(/Chart\.js v4/); // the UMD bundle's banner
    expect(html).not.toMatch(/<script src=/);
    expect(html).toContain('∞');
    expect(html).toContain('met');
  });
});
