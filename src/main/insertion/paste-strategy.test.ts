import { describe, expect, it } from 'vitest';
import { STRATEGY_SPECS } from './paste-strategy.ts';

// macOS and Windows cannot run here; what can be checked is that dictated text reaches their
// helpers as literal text, whatever quotes, braces or syntax characters it holds.

/** Reads back the one AppleScript string literal of `keystroke "..."`. */
function appleScriptLiteral(script: string): string {
  const m = /keystroke "((?:[^"\\]|\\.)*)"$/s.exec(script);
  if (!m) throw new Error(`no keystroke literal in ${script}`);
  return m[1].replace(/\\(.)/gs, '$1');
}

/** Reads back the keys of `SendWait('...')` and undoes SendKeys' {x} escapes. */
function sendKeysText(command: string): string {
  const m = /SendWait\('((?:[^']|'')*)'\)$/s.exec(command);
  if (!m) throw new Error(`no SendWait literal in ${command}`);
  const keys = m[1].replaceAll("''", "'");
  return keys.replace(/\{ENTER\}|\{(.)\}/g, (all, c: string | undefined) => (c === undefined ? '\n' : c));
}

const tricky = [
  'plain words',
  'say "hello" \\ back\\slash',
  `it's 5% off (today) + {braces} [brackets] ~tilde ^caret`,
  'two\nlines',
  `"'"'\\"`,
];

describe('paste strategies quote dictated text for their helpers', () => {
  it('macOS: one AppleScript literal that reads back as the text', () => {
    for (const text of tricky) {
      const [command, args] = STRATEGY_SPECS.macos.type(text);
      expect(command).toBe('osascript');
      expect(args).toHaveLength(2);
      expect(args[1].startsWith('tell application "System Events" to keystroke "')).toBe(true);
      expect(appleScriptLiteral(args[1])).toBe(text);
    }
  });

  it('Windows: SendKeys syntax characters braced, the PowerShell literal quoted', () => {
    const [command, args] = STRATEGY_SPECS.windows.type(`a+b {c} it's`);
    expect(command).toBe('powershell.exe');
    expect(args.at(-1)).toBe(
      "Add-Type -AssemblyName System.Windows.Forms; [System.Windows.Forms.SendKeys]::SendWait('a{+}b {{}c{}} it''s')",
    );
    for (const text of tricky) {
      expect(sendKeysText(STRATEGY_SPECS.windows.type(text)[1].at(-1) as string)).toBe(text);
    }
  });

  it('Windows: backspace and paste are SendKeys key names, not text', () => {
    expect(STRATEGY_SPECS.windows.backspace(3)[1].at(-1)).toContain("SendWait('{BACKSPACE 3}')");
    expect(STRATEGY_SPECS.windows.paste[1].at(-1)).toContain("SendWait('^v')");
  });

  it('X11, wtype and ydotool pass the text as one argument after --, so a leading dash is text', () => {
    for (const spec of [STRATEGY_SPECS.x11, STRATEGY_SPECS.wtype, STRATEGY_SPECS.ydotool]) {
      const [, args] = spec.type('-n "quoted" text');
      expect(args.at(-2)).toBe('--');
      expect(args.at(-1)).toBe('-n "quoted" text');
    }
  });
});
