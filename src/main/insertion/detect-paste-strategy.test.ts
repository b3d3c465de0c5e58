import { describe, expect, it } from 'vitest';
import { detectPasteStrategy } from './detect-paste-strategy.ts';

const installed = (...names: string[]) => (name: string) => names.includes(name);

describe('detectPasteStrategy', () => {
  const cases: Array<[string, NodeJS.Platform, NodeJS.ProcessEnv, string[], string | undefined]> = [
    ['X11 with xdotool', 'linux', { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }, ['xdotool'], 'x11-xdotool'],
    ['X11 without xdotool', 'linux', { DISPLAY: ':0' }, [], undefined],
    ['Wayland prefers wtype', 'linux', { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, ['wtype', 'ydotool', 'xdotool'], 'wayland-wtype'],
    ['Wayland falls back to ydotool', 'linux', { XDG_SESSION_TYPE: 'wayland' }, ['ydotool', 'xdotool'], 'wayland-ydotool'],
    ['Wayland never uses xdotool (XWayland only)', 'linux', { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }, ['xdotool'], undefined],
    ['no display at all', 'linux', {}, ['xdotool', 'wtype'], undefined],
    ['macOS', 'darwin', {}, [], 'macos-osascript'],
    ['Windows', 'win32', {}, [], 'windows-sendkeys'],
    ['other platforms copy only', 'aix', { DISPLAY: ':0' }, ['xdotool'], undefined],
  ];
  it.each(cases)('%s', (_name, platform, env, bins, expected) => {
    const detected = detectPasteStrategy({ platform, env, hasExecutable: installed(...bins) });
    expect(detected.strategy?.name).toBe(expected);
    // Whenever paste is impossible the user is told why.
    if (expected === undefined) expect(detected.notice).toMatch(/copied/);
  });

  it('only X11 can tell the focused window', () => {
    const x11 = detectPasteStrategy({ platform: 'linux', env: { DISPLAY: ':0' }, hasExecutable: installed('xdotool') });
    const wl = detectPasteStrategy({ platform: 'linux', env: { WAYLAND_DISPLAY: 'w' }, hasExecutable: installed('wtype') });
    expect(typeof x11.strategy?.focusedWindow).toBe('function');
    expect(wl.strategy?.focusedWindow).toBeUndefined();
  });
});
