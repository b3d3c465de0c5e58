import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasXvfb, startXvfb, TextWindow, type XDisplay } from '../../../test-support/x11.ts';
import { detectPasteStrategy } from './detect-paste-strategy.ts';
import { CommandPasteStrategy, STRATEGY_SPECS } from './paste-strategy.ts';
import { TextInserter, type TextInserterOptions } from './text-inserter.ts';
import { XclipClipboard } from './xclip-clipboard.ts';

// Real insertion into a real X11 window: a private Xvfb, a Tk text window, xdotool and xclip.
// Skipped only where Xvfb is not installed (CI installs it).
describe.skipIf(!hasXvfb)('text insertion on X11 (Xvfb, xdotool, xclip, Tk)', () => {
  let x: XDisplay;
  let clipboard: XclipClipboard;
  let windows: TextWindow[] = [];
  let options: TextInserterOptions;

  const openWindow = async (title: string) => {
    const w = await TextWindow.open(x.env, title);
    windows.push(w);
    return w;
  };

  const inserter = (sleep?: (ms: number) => Promise<void>) => {
    const detected = detectPasteStrategy({ platform: 'linux', env: x.env });
    expect(detected.strategy?.name).toBe('x11-xdotool');
    return new TextInserter({ clipboard, strategy: detected.strategy, options: () => options, sleep });
  };

  beforeAll(async () => {
    x = await startXvfb({ autoRepeat: false });
    clipboard = new XclipClipboard({ env: x.env });
  });

  afterAll(async () => {
    await x?.stop();
  });

  beforeEach(() => {
    // A generous delay: the machine is busy, and a restore before Tk read the clipboard would paste the old text.
    options = { mode: 'paste', restoreClipboard: true, restoreDelayMs: 1000 };
  });

  afterEach(async () => {
    await Promise.all(windows.map((w) => w.close()));
    windows = [];
  });

  it('pastes into the focused window and restores the previous clipboard', async () => {
    const w = await openWindow('target');
    await clipboard.writeText('the user’s own clipboard');
    const ins = inserter();
    await ins.beginDictation();

    const first = await ins.insert('Hello, world.');
    expect(first).toEqual({ outcome: 'inserted', strategy: 'x11-xdotool', text: 'Hello, world.' });
    expect(await w.waitForContent((t) => t === 'Hello, world.')).toBe('Hello, world.');
    expect(await clipboard.readText()).toBe('the user’s own clipboard');

    // A second final lands after the first; non-ASCII text survives the clipboard round trip.
    await ins.insert(' Ünïcode ✓ "quotes"');
    const expected = 'Hello, world. Ünïcode ✓ "quotes"';
    expect(await w.waitForContent((t) => t === expected)).toBe(expected);
    expect(await clipboard.readText()).toBe('the user’s own clipboard');
  });

  it('does not paste when focus moved to another window: copies and says so', async () => {
    const a = await openWindow('a');
    const b = await openWindow('b');
    await a.focus();
    const ins = inserter();
    await ins.beginDictation();
    await b.focus();

    const result = await ins.insert('secret text');
    expect(result).toMatchObject({ outcome: 'copied', reason: 'focus-changed', text: 'secret text' });
    expect(result.notice).toMatch(/Ctrl\+V/);
    expect(await clipboard.readText()).toBe('secret text');
    expect(await a.content()).toBe('');
    expect(await b.content()).toBe('');

    // Back in the original window, insertion works again.
    await a.focus();
    expect((await ins.insert('ok')).outcome).toBe('inserted');
    expect(await a.waitForContent((t) => t === 'ok')).toBe('ok');
  });

  it('keeps what the user copied during the paste instead of restoring the old clipboard', async () => {
    const w = await openWindow('target');
    await clipboard.writeText('old');
    // During the restore delay, the user copies something new.
    const ins = inserter(async () => {
      await w.waitForContent((t) => t === 'dictated');
      await clipboard.writeText('copied meanwhile');
    });
    await ins.beginDictation();
    expect((await ins.insert('dictated')).outcome).toBe('inserted');
    expect(await clipboard.readText()).toBe('copied meanwhile');
  });

  it('types instead of pasting in type mode, leaving the clipboard alone', async () => {
    const w = await openWindow('target');
    await clipboard.writeText('untouched');
    options = { ...options, mode: 'type' };
    const ins = inserter();
    await ins.beginDictation();
    expect((await ins.insert('typed words 123')).outcome).toBe('inserted');
    expect(await w.waitForContent((t) => t === 'typed words 123')).toBe('typed words 123');
    expect(await clipboard.readText()).toBe('untouched');
  });

  it('copy mode only copies', async () => {
    const w = await openWindow('target');
    options = { ...options, mode: 'copy' };
    const result = await inserter().insert('just copy');
    expect(result).toMatchObject({ outcome: 'copied', reason: 'copy-mode' });
    expect(await clipboard.readText()).toBe('just copy');
    expect(await w.content()).toBe('');
  });

  it('a failing paste helper leaves the text on the clipboard with a notice', async () => {
    // xdotool against a display that does not exist fails for real.
    const broken = new CommandPasteStrategy(STRATEGY_SPECS.x11, { env: { ...x.env, DISPLAY: ':32000' } });
    const ins = new TextInserter({ clipboard, strategy: broken, options: () => options });
    const result = await ins.insert('rescued');
    expect(result).toMatchObject({ outcome: 'copied', reason: 'paste-failed' });
    expect(await clipboard.readText()).toBe('rescued');
  });

  it('without any paste tool, finals are copied with the install hint', async () => {
    const detected = detectPasteStrategy({ platform: 'linux', env: x.env, hasExecutable: () => false });
    const ins = new TextInserter({ clipboard, strategy: detected.strategy, unavailableNotice: detected.notice, options: () => options });
    expect(ins.capability()).toMatchObject({ strategy: 'copy-only', canPaste: false });
    const result = await ins.insert('manual');
    expect(result).toMatchObject({ outcome: 'copied', reason: 'no-paste-tool' });
    expect(result.notice).toMatch(/install xdotool/);
    expect(await clipboard.readText()).toBe('manual');
  });

  it('"scratch that" of already inserted text: deletes it in the window, then inserts', async () => {
    const w = await openWindow('target');
    await clipboard.writeText('mine');
    const ins = inserter();
    await ins.beginDictation();
    await ins.insert('Hello there');
    expect(await w.waitForContent((t) => t === 'Hello there')).toBe('Hello there');
    // The formatter said: delete " there" (6 characters), then append " ok".
    expect(await ins.insert(' ok', 6)).toEqual({ outcome: 'inserted', strategy: 'x11-xdotool', text: ' ok', deleted: 6 });
    expect(await w.waitForContent((t) => t === 'Hello ok')).toBe('Hello ok');
    // A scratch with nothing to add only deletes.
    expect(await ins.insert('', 3)).toMatchObject({ outcome: 'inserted', deleted: 3 });
    expect(await w.waitForContent((t) => t === 'Hello')).toBe('Hello');
    expect(await clipboard.readText()).toBe('mine');
  });

  it('never deletes in a window that was not the dictation target', async () => {
    const a = await openWindow('a');
    const b = await openWindow('b');
    await a.focus();
    const ins = inserter();
    await ins.beginDictation();
    await ins.insert('keep me');
    expect(await a.waitForContent((t) => t === 'keep me')).toBe('keep me');
    await b.focus();
    const result = await ins.insert('', 4);
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'delete-unavailable' });
    expect(result.notice).toMatch(/delete it by hand/);
    expect(await a.content()).toBe('keep me');
    expect(await b.content()).toBe('');
  });

  it('empty text is skipped without touching the clipboard', async () => {
    await clipboard.writeText('keep');
    expect((await inserter().insert('')).outcome).toBe('skipped');
    expect(await clipboard.readText()).toBe('keep');
  });
});
