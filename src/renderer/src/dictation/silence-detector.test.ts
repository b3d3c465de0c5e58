import { describe, expect, it } from 'vitest';
import { SilenceDetector } from './silence-detector.ts';

describe('SilenceDetector', () => {
  it('stops after the pause length once speech was heard', () => {
    const d = new SilenceDetector(-45, 2000);
    expect(d.update(-20, 0)).toBe(false);
    expect(d.update(-60, 100)).toBe(false);
    expect(d.update(-60, 2000)).toBe(false);
    expect(d.update(-60, 2100)).toBe(true);
  });

  it('never stops before the first word', () => {
    const d = new SilenceDetector(-45, 500);
    expect(d.update(-80, 0)).toBe(false);
    expect(d.update(-80, 10_000)).toBe(false);
  });

  it('restarts the pause when speech resumes', () => {
    const d = new SilenceDetector(-45, 1000);
    d.update(-10, 0);
    d.update(-60, 100);
    expect(d.update(-30, 900)).toBe(false);
    expect(d.update(-60, 1000)).toBe(false);
    expect(d.update(-60, 1950)).toBe(false);
    expect(d.update(-60, 2000)).toBe(true);
  });
});
