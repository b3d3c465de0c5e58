import { describe, expect, it } from 'vitest';
import { ChordTracker, type KeyInput } from './chord-tracker.ts';
import { parseKeyChord } from './key-chord.ts';
import { UIOHOOK_KEY } from './uiohook-key-codes.ts';

const { Ctrl, CtrlRight, Shift, Alt, Space, D } = UIOHOOK_KEY;

/** A key event with the modifier flags uiohook reports (the state including this event). */
function ev(keycode: number, held: { ctrl?: boolean; shift?: boolean; alt?: boolean; meta?: boolean } = {}): KeyInput {
  return { keycode, ctrlKey: !!held.ctrl, shiftKey: !!held.shift, altKey: !!held.alt, metaKey: !!held.meta };
}

const tracker = () => new ChordTracker(parseKeyChord('CommandOrControl+Shift+Space', 'linux'));
const cs = { ctrl: true, shift: true };

describe('ChordTracker', () => {
  it('press once, auto-repeat ignored, release once (the sequence XRecord reported for `xdotool keydown/keyup ctrl+shift+space`)', () => {
    const t = tracker();
    const out: Array<string | undefined> = [];
    out.push(t.keyDown(ev(Ctrl, { ctrl: true })));
    out.push(t.keyDown(ev(Shift, cs)));
    out.push(t.keyDown(ev(Space, cs)));
    for (let i = 0; i < 10; i++) out.push(t.keyDown(ev(Space, cs)));
    // xdotool releases the modifiers first; Space keeps auto-repeating with Shift alone.
    out.push(t.keyUp(ev(Ctrl, { shift: true })));
    out.push(t.keyDown(ev(Space, { shift: true })));
    out.push(t.keyUp(ev(Shift)));
    out.push(t.keyUp(ev(Space)));
    expect(out.filter(Boolean)).toEqual(['press', 'release']);
    expect(out.indexOf('press')).toBe(2);
    expect(out.indexOf('release')).toBe(13);
    expect(t.held).toBe(false);
  });

  it('releasing the key itself ends the hold; a later fresh press holds again', () => {
    const t = tracker();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
    expect(t.keyUp(ev(Space, cs))).toBe('release');
    expect(t.keyUp(ev(Shift, { ctrl: true }))).toBeUndefined();
    expect(t.keyDown(ev(Shift, cs))).toBeUndefined();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
  });

  it('the right-hand modifier counts too, and releasing it ends the hold', () => {
    const t = tracker();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
    expect(t.keyUp(ev(CtrlRight, { shift: true }))).toBe('release');
  });

  it('a key still held after the chord ended does not press again when its modifiers come back', () => {
    const t = tracker();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
    expect(t.keyUp(ev(Ctrl, { shift: true }))).toBe('release');
    // Ctrl pressed again while Space still repeats: only a fresh Space press counts.
    expect(t.keyDown(ev(Ctrl, cs))).toBeUndefined();
    expect(t.keyDown(ev(Space, cs))).toBeUndefined();
    expect(t.keyUp(ev(Space, cs))).toBeUndefined();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
  });

  it('needs exactly the chord modifiers: missing or extra ones do not press', () => {
    const t = tracker();
    expect(t.keyDown(ev(Space, { ctrl: true }))).toBeUndefined();
    expect(t.keyUp(ev(Space, { ctrl: true }))).toBeUndefined();
    expect(t.keyDown(ev(Space, { ...cs, alt: true }))).toBeUndefined();
    expect(t.keyUp(ev(Space, { ...cs, alt: true }))).toBeUndefined();
    expect(t.keyDown(ev(Space))).toBeUndefined();
    expect(t.keyUp(ev(Space))).toBeUndefined();
    expect(t.held).toBe(false);
  });

  it('other keys during a hold neither press nor release; releasing an unrelated modifier does not end it', () => {
    const t = tracker();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
    expect(t.keyDown(ev(D, cs))).toBeUndefined();
    expect(t.keyUp(ev(D, cs))).toBeUndefined();
    expect(t.keyDown(ev(Alt, { ...cs, alt: true }))).toBeUndefined();
    expect(t.keyUp(ev(Alt, cs))).toBeUndefined();
    expect(t.held).toBe(true);
    expect(t.keyUp(ev(Shift, { ctrl: true }))).toBe('release');
  });

  it('a chord without modifiers (F9) presses on a bare F9 only', () => {
    const t = new ChordTracker(parseKeyChord('F9', 'linux'));
    expect(t.keyDown(ev(UIOHOOK_KEY.F9, { ctrl: true }))).toBeUndefined();
    expect(t.keyUp(ev(UIOHOOK_KEY.F9, { ctrl: true }))).toBeUndefined();
    expect(t.keyDown(ev(UIOHOOK_KEY.F9))).toBe('press');
    expect(t.keyUp(ev(Ctrl))).toBeUndefined();
    expect(t.keyUp(ev(UIOHOOK_KEY.F9))).toBe('release');
  });

  it('reset forgets a hold and a key thought to be down', () => {
    const t = tracker();
    expect(t.keyDown(ev(Space, cs))).toBe('press');
    t.reset();
    expect(t.held).toBe(false);
    expect(t.keyDown(ev(Space, cs))).toBe('press');
  });
});
