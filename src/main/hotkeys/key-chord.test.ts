import { describe, expect, it } from 'vitest';
import { AsrError } from '../../shared/errors.ts';
import { parseKeyChord } from './key-chord.ts';
import { UIOHOOK_KEY } from './uiohook-key-codes.ts';

const mods = (accelerator: string, platform: NodeJS.Platform = 'linux') => [...parseKeyChord(accelerator, platform).modifiers].sort();

describe('parseKeyChord', () => {
  it('parses the default hotkey; CommandOrControl is Ctrl on Linux and Windows, Cmd on macOS', () => {
    const chord = parseKeyChord('CommandOrControl+Shift+Space', 'linux');
    expect(chord).toMatchObject({ accelerator: 'CommandOrControl+Shift+Space', keycode: UIOHOOK_KEY.Space });
    expect(mods('CommandOrControl+Shift+Space', 'linux')).toEqual(['ctrl', 'shift']);
    expect(mods('CommandOrControl+Shift+Space', 'win32')).toEqual(['ctrl', 'shift']);
    expect(mods('CmdOrCtrl+Shift+Space', 'darwin')).toEqual(['meta', 'shift']);
  });

  it('accepts Electron modifier aliases, any case, spaces around parts', () => {
    expect(mods('Control+Alt+D')).toEqual(['alt', 'ctrl']);
    expect(mods('ctrl + option + d')).toEqual(['alt', 'ctrl']);
    expect(mods('Super+F5')).toEqual(['meta']);
    expect(mods('Command+AltGr+F5')).toEqual(['alt', 'meta']);
    expect(parseKeyChord('alt+d', 'linux').keycode).toBe(UIOHOOK_KEY.D);
    expect(parseKeyChord('Alt+F24', 'linux').keycode).toBe(UIOHOOK_KEY.F24);
  });

  it('maps named keys, digits, numpad and punctuation', () => {
    const key = (a: string) => parseKeyChord(a, 'linux').keycode;
    expect(key('Ctrl+Return')).toBe(UIOHOOK_KEY.Enter);
    expect(key('Ctrl+Enter')).toBe(UIOHOOK_KEY.Enter);
    expect(key('Ctrl+Esc')).toBe(UIOHOOK_KEY.Escape);
    expect(key('Ctrl+Up')).toBe(UIOHOOK_KEY.ArrowUp);
    expect(key('Ctrl+PageDown')).toBe(UIOHOOK_KEY.PageDown);
    expect(key('Ctrl+7')).toBe(UIOHOOK_KEY[7]);
    expect(key('Ctrl+num7')).toBe(UIOHOOK_KEY.Numpad7);
    expect(key('Ctrl+numadd')).toBe(UIOHOOK_KEY.NumpadAdd);
    expect(key('Ctrl+;')).toBe(UIOHOOK_KEY.Semicolon);
    expect(key('Ctrl+/')).toBe(UIOHOOK_KEY.Slash);
    expect(key('F9')).toBe(UIOHOOK_KEY.F9);
  });

  it('shifted punctuation is its base key with Shift; "+" works as a key too', () => {
    expect(parseKeyChord('Ctrl+!', 'linux')).toMatchObject({ keycode: UIOHOOK_KEY[1] });
    expect(mods('Ctrl+!')).toEqual(['ctrl', 'shift']);
    expect(parseKeyChord('Ctrl+Plus', 'linux').keycode).toBe(UIOHOOK_KEY.Equal);
    expect(mods('Ctrl+Plus')).toEqual(['ctrl', 'shift']);
    expect(parseKeyChord('Ctrl++', 'linux').keycode).toBe(UIOHOOK_KEY.Equal);
    expect(mods('Ctrl++')).toEqual(['ctrl', 'shift']);
  });

  it.each([
    ['Ctrl+Shift+Spcae', /"Spcae" is not a key/],
    ['Ctrl+VolumeUp', /"VolumeUp" is not a key/],
    ['Ctrl+F25', /"F25" is not a key/],
    ['Ctrl+Shift', /no key/],
    ['Ctrl+A+B', /more than one key/],
    ['Ctrl++Space', /empty part/],
    ['', /empty part/],
  ])('%j is refused with a coded error (%s)', (accelerator, message) => {
    let caught: unknown;
    try {
      parseKeyChord(accelerator, 'linux');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AsrError);
    expect((caught as AsrError).code).toBe('ASR_ERR_INVALID_CONFIG');
    expect((caught as AsrError).message).toMatch(message);
    expect((caught as AsrError).message).toContain(`"${accelerator}"`);
  });
});
