import { describe, expect, it } from 'vitest';
import { HandsFreePolicy, levelDbfs } from './hands-free-policy.ts';

/** Feeds (level, time) pairs and returns the decisions. */
const run = (p: HandsFreePolicy, steps: Array<[number, number]>) => steps.map(([db, t]) => p.update(db, t));

describe('HandsFreePolicy', () => {
  it('stops after the configured silence following speech', () => {
    const p = new HandsFreePolicy({ silenceMs: 1000, thresholdDb: -40 });
    expect(run(p, [[-20, 0], [-60, 500], [-60, 999], [-60, 1000]])).toEqual(['speech', 'listening', 'listening', 'stop']);
  });

  it('speech resets the silence clock', () => {
    const p = new HandsFreePolicy({ silenceMs: 1000, thresholdDb: -40 });
    expect(run(p, [[-20, 0], [-60, 900], [-30, 950], [-60, 1900], [-60, 1950]])).toEqual([
      'speech',
      'listening',
      'speech',
      'listening',
      'stop',
    ]);
  });

  it('before any speech the longer initial limit applies', () => {
    const p = new HandsFreePolicy({ silenceMs: 1000, initialSilenceMs: 5000, thresholdDb: -40 });
    expect(run(p, [[-60, 100], [-60, 3000], [-60, 5099], [-60, 5100]])).toEqual(['listening', 'listening', 'listening', 'stop']);
  });

  it('the threshold is inclusive and stop is sticky until reset', () => {
    const p = new HandsFreePolicy({ silenceMs: 300, thresholdDb: -40 });
    expect(p.update(-40, 0)).toBe('speech');
    expect(p.update(-41, 300)).toBe('stop');
    expect(p.update(0, 400)).toBe('stop');
    p.reset();
    expect(p.update(-60, 1000)).toBe('listening');
  });

  it('reports the remaining silence for a countdown', () => {
    const p = new HandsFreePolicy({ silenceMs: 1000, initialSilenceMs: 4000, thresholdDb: -40 });
    expect(p.remainingMs(0)).toBe(4000);
    p.update(-60, 0);
    expect(p.remainingMs(1000)).toBe(3000);
    p.update(-10, 1500);
    expect(p.remainingMs(1800)).toBe(700);
  });

  it.each([{ silenceMs: 0 }, { initialSilenceMs: -1 }, { thresholdDb: 3 }, { silenceMs: Number.NaN }])(
    'rejects %j with InvalidConfig',
    (bad) => {
      expect(() => new HandsFreePolicy(bad)).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }));
    },
  );
});

describe('levelDbfs', () => {
  it('full-scale square wave is 0 dBFS, half is about -6, silence is -Infinity', () => {
    expect(levelDbfs([1, -1, 1, -1])).toBeCloseTo(0, 6);
    expect(levelDbfs([0.5, -0.5])).toBeCloseTo(-6.0206, 3);
    expect(levelDbfs(new Float32Array(16))).toBe(-Infinity);
    expect(levelDbfs([])).toBe(-Infinity);
  });
});
