import { describe, expect, it } from 'vitest';
import { DEFAULT_TAP_MS, HoldGesture } from './hold-gesture.ts';

/** A gesture on a clock the test moves by hand. */
function gesture() {
  const clock = { t: 1000 };
  return { g: new HoldGesture(DEFAULT_TAP_MS, () => clock.t), clock };
}

describe('HoldGesture', () => {
  it('a hold starts on press and stops on release', () => {
    const { g, clock } = gesture();
    expect(g.press()).toBe('start');
    clock.t += 2000;
    expect(g.release()).toBe('stop');
    expect(g.press()).toBe('start');
    clock.t += DEFAULT_TAP_MS;
    expect(g.release()).toBe('stop');
  });

  it('a tap leaves dictation running; the next press stops it and its release does nothing', () => {
    const { g, clock } = gesture();
    expect(g.press()).toBe('start');
    clock.t += DEFAULT_TAP_MS - 1;
    expect(g.release()).toBeUndefined();
    clock.t += 5000;
    expect(g.press()).toBe('stop');
    clock.t += 1000;
    expect(g.release()).toBeUndefined();
    // Back to the start: the next press starts again.
    expect(g.press()).toBe('start');
  });

  it('after a tap, a dictation ended elsewhere (UI, silence) makes the next press start, not stop', () => {
    const { g, clock } = gesture();
    g.press();
    clock.t += 50;
    expect(g.release()).toBeUndefined();
    g.dictationEnded();
    expect(g.press()).toBe('start');
    clock.t += 1000;
    expect(g.release()).toBe('stop');
  });
});
