import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { UIOHOOK_KEY, type UiohookKeyName } from './uiohook-key-codes.ts';

export type ModifierName = 'ctrl' | 'shift' | 'alt' | 'meta';
export const MODIFIERS: readonly ModifierName[] = ['ctrl', 'shift', 'alt', 'meta'];

/** Left and right key of each modifier: either one holds it. */
export const MODIFIER_KEYCODES: Readonly<Record<ModifierName, readonly number[]>> = {
  ctrl: [UIOHOOK_KEY.Ctrl, UIOHOOK_KEY.CtrlRight],
  shift: [UIOHOOK_KEY.Shift, UIOHOOK_KEY.ShiftRight],
  alt: [UIOHOOK_KEY.Alt, UIOHOOK_KEY.AltRight],
  meta: [UIOHOOK_KEY.Meta, UIOHOOK_KEY.MetaRight],
};

/** One hotkey as the key hook sees it: exactly these modifiers held, then `keycode` pressed. */
export interface KeyChord {
  accelerator: string;
  /** uiohook key code of the one non-modifier key. */
  keycode: number;
  modifiers: ReadonlySet<ModifierName>;
}

// Electron's accelerator names (https://www.electronjs.org/docs/latest/api/accelerator), lower case:
// Electron matches them case-insensitively.
const MODIFIER_NAMES: Record<string, (platform: NodeJS.Platform) => ModifierName> = {
  command: () => 'meta',
  cmd: () => 'meta',
  control: () => 'ctrl',
  ctrl: () => 'ctrl',
  commandorcontrol: (p) => (p === 'darwin' ? 'meta' : 'ctrl'),
  cmdorctrl: (p) => (p === 'darwin' ? 'meta' : 'ctrl'),
  alt: () => 'alt',
  option: () => 'alt',
  // The hook reports AltGr as the right Alt key.
  altgr: () => 'alt',
  shift: () => 'shift',
  super: () => 'meta',
  meta: () => 'meta',
};

const NAMED_KEYS: Record<string, UiohookKeyName> = {
  space: 'Space',
  tab: 'Tab',
  capslock: 'CapsLock',
  numlock: 'NumLock',
  scrolllock: 'ScrollLock',
  backspace: 'Backspace',
  delete: 'Delete',
  insert: 'Insert',
  return: 'Enter',
  enter: 'Enter',
  up: 'ArrowUp',
  down: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  escape: 'Escape',
  esc: 'Escape',
  printscreen: 'PrintScreen',
  num0: 'Numpad0',
  num1: 'Numpad1',
  num2: 'Numpad2',
  num3: 'Numpad3',
  num4: 'Numpad4',
  num5: 'Numpad5',
  num6: 'Numpad6',
  num7: 'Numpad7',
  num8: 'Numpad8',
  num9: 'Numpad9',
  numdec: 'NumpadDecimal',
  numadd: 'NumpadAdd',
  numsub: 'NumpadSubtract',
  nummult: 'NumpadMultiply',
  numdiv: 'NumpadDivide',
  ';': 'Semicolon',
  '=': 'Equal',
  ',': 'Comma',
  '-': 'Minus',
  '.': 'Period',
  '/': 'Slash',
  '`': 'Backquote',
  '[': 'BracketLeft',
  '\\': 'Backslash',
  ']': 'BracketRight',
  "'": 'Quote',
};

// Shifted punctuation is its US-layout base key with Shift, as Electron registers it.
const SHIFTED_KEYS: Record<string, UiohookKeyName> = {
  ')': 0,
  '!': 1,
  '@': 2,
  '#': 3,
  $: 4,
  '%': 5,
  '^': 6,
  '&': 7,
  '*': 8,
  '(': 9,
  ':': 'Semicolon',
  plus: 'Equal',
  '<': 'Comma',
  _: 'Minus',
  '>': 'Period',
  '?': 'Slash',
  '~': 'Backquote',
  '{': 'BracketLeft',
  '|': 'Backslash',
  '}': 'BracketRight',
  '"': 'Quote',
};

function invalid(accelerator: string, why: string): AsrError {
  return new AsrError(ErrorCode.InvalidConfig, `hotkey "${accelerator}" cannot be watched for hold-to-talk: ${why}`);
}

function keyName(token: string): { name: UiohookKeyName; shift: boolean } | undefined {
  const lower = token.toLowerCase();
  if (/^[a-z0-9]$/.test(lower)) return { name: lower.toUpperCase() as UiohookKeyName, shift: false };
  const f = /^f([1-9]|1[0-9]|2[0-4])$/.exec(lower);
  if (f) return { name: `F${f[1]}` as UiohookKeyName, shift: false };
  if (NAMED_KEYS[lower]) return { name: NAMED_KEYS[lower], shift: false };
  if (SHIFTED_KEYS[lower]) return { name: SHIFTED_KEYS[lower], shift: true };
  return undefined;
}

/**
 * Parses an Electron accelerator ("CommandOrControl+Shift+Space") into the chord the key hook
 * watches. Throws AsrError(InvalidConfig) for an unknown or missing key; media and volume keys are
 * accepted by Electron but unknown to uiohook, so they are refused here too.
 */
export function parseKeyChord(accelerator: string, platform: NodeJS.Platform = process.platform): KeyChord {
  // "+" is both the separator and a key ("Ctrl++"): a trailing empty token after "+" is the key.
  const tokens = accelerator.trim().split('+');
  if (tokens.length > 1 && tokens.at(-1) === '' && tokens.at(-2) === '') tokens.splice(-2, 2, '+');
  if (tokens.some((t) => t.trim() === '')) throw invalid(accelerator, 'it has an empty part');
  const modifiers = new Set<ModifierName>();
  let key: { name: UiohookKeyName; shift: boolean } | undefined;
  for (const raw of tokens) {
    const token = raw.trim();
    const modifier = MODIFIER_NAMES[token.toLowerCase()];
    if (modifier) {
      modifiers.add(modifier(platform));
      continue;
    }
    const k = token === '+' ? { name: 'Equal' as const, shift: true } : keyName(token);
    if (!k) throw invalid(accelerator, `"${token}" is not a key uiohook knows`);
    if (key) throw invalid(accelerator, 'it names more than one key besides modifiers');
    key = k;
  }
  if (!key) throw invalid(accelerator, 'it has modifiers but no key');
  if (key.shift) modifiers.add('shift');
  return { accelerator, keycode: UIOHOOK_KEY[key.name], modifiers };
}
