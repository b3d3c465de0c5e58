import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { runCommand, type CommandRunner } from './command-runner.ts';

/** Simulates the user's paste (or typing) in the focused application, per OS and display server. */
export interface PasteStrategy {
  /** e.g. `x11-xdotool`; reported in InsertionResult.strategy. */
  readonly name: string;
  /** The shortcut a user presses to paste by hand, for notices. */
  readonly pasteKeyLabel: string;
  paste(): Promise<void>;
  type(text: string): Promise<void>;
  /** Presses Backspace `count` times (undoing text already inserted). */
  deleteBackward(count: number): Promise<void>;
  /** The focused window's id where the platform can tell (X11); guards against pasting elsewhere. */
  focusedWindow?(): Promise<string | undefined>;
}

type Invocation = readonly [command: string, args: readonly string[]];

interface StrategySpec {
  name: string;
  pasteKeyLabel: string;
  paste: Invocation;
  type: (text: string) => Invocation;
  backspace: (count: number) => Invocation;
  /** Tried in order; the first that answers wins. */
  focusedWindow?: readonly Invocation[];
}

/** A strategy that runs helper binaries (xdotool, wtype, ydotool, osascript, PowerShell). */
export class CommandPasteStrategy implements PasteStrategy {
  readonly name: string;
  readonly pasteKeyLabel: string;
  readonly focusedWindow?: () => Promise<string | undefined>;
  readonly #spec: StrategySpec;
  readonly #run: CommandRunner;
  readonly #env: NodeJS.ProcessEnv;

  constructor(spec: StrategySpec, options: { run?: CommandRunner; env?: NodeJS.ProcessEnv } = {}) {
    this.#spec = spec;
    this.name = spec.name;
    this.pasteKeyLabel = spec.pasteKeyLabel;
    this.#run = options.run ?? runCommand;
    this.#env = options.env ?? process.env;
    const probes = spec.focusedWindow;
    if (probes) this.focusedWindow = () => this.#firstAnswer(probes);
  }

  async paste(): Promise<void> {
    await this.#exec(this.#spec.paste);
  }

  async type(text: string): Promise<void> {
    await this.#exec(this.#spec.type(text));
  }

  async deleteBackward(count: number): Promise<void> {
    if (count > 0) await this.#exec(this.#spec.backspace(count));
  }

  async #exec([command, args]: Invocation): Promise<void> {
    const r = await this.#run(command, args, { env: this.#env, timeoutMs: 10_000 });
    if (r.code !== 0) {
      throw new AsrError(ErrorCode.Internal, `${command} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
    }
  }

  async #firstAnswer(probes: readonly Invocation[]): Promise<string | undefined> {
    for (const [command, args] of probes) {
      const r = await this.#run(command, args, { env: this.#env });
      const id = r.stdout.trim();
      if (r.code === 0 && id !== '') return id;
    }
    return undefined;
  }
}

/** AppleScript string literal. */
const appleScriptString = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/** SendKeys treats + ^ % ~ ( ) { } [ ] as syntax; braces make each literal. */
const sendKeysLiteral = (s: string) => s.replace(/[+^%~(){}[\]]/g, (c) => `{${c}}`).replaceAll('\n', '{ENTER}');

/** PowerShell single-quoted string. */
const psString = (s: string) => `'${s.replaceAll("'", "''")}'`;

const sendKeys = (keys: string): Invocation => [
  'powershell.exe',
  [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    `Add-Type -AssemblyName System.Windows.Forms; [System.Windows.Forms.SendKeys]::SendWait(${psString(keys)})`,
  ],
];

export const STRATEGY_SPECS = {
  /** X11: xdotool sends the keys through XTEST; `getactivewindow` needs a WM, `getwindowfocus` does not. */
  x11: {
    name: 'x11-xdotool',
    pasteKeyLabel: 'Ctrl+V',
    paste: ['xdotool', ['key', '--clearmodifiers', 'ctrl+v']],
    type: (text) => ['xdotool', ['type', '--clearmodifiers', '--delay', '2', '--', text]],
    backspace: (n) => ['xdotool', ['key', '--clearmodifiers', '--delay', '2', '--repeat', String(n), 'BackSpace']],
    focusedWindow: [
      ['xdotool', ['getactivewindow']],
      ['xdotool', ['getwindowfocus']],
    ],
  },
  /** Wayland with a compositor that supports virtual-keyboard (wlroots, KDE). */
  wtype: {
    name: 'wayland-wtype',
    pasteKeyLabel: 'Ctrl+V',
    paste: ['wtype', ['-M', 'ctrl', 'v', '-m', 'ctrl']],
    type: (text) => ['wtype', ['--', text]],
    backspace: (n) => ['wtype', Array.from({ length: n }, () => ['-k', 'BackSpace']).flat()],
  },
  /** Wayland anywhere, through uinput (needs the ydotoold daemon). 29 = KEY_LEFTCTRL, 47 = KEY_V. */
  ydotool: {
    name: 'wayland-ydotool',
    pasteKeyLabel: 'Ctrl+V',
    paste: ['ydotool', ['key', '29:1', '47:1', '47:0', '29:0']],
    type: (text) => ['ydotool', ['type', '--', text]],
    // 14 = KEY_BACKSPACE
    backspace: (n) => ['ydotool', ['key', ...Array.from({ length: n }, () => ['14:1', '14:0']).flat()]],
  },
  macos: {
    name: 'macos-osascript',
    pasteKeyLabel: '⌘V',
    paste: ['osascript', ['-e', 'tell application "System Events" to keystroke "v" using command down']],
    type: (text) => ['osascript', ['-e', `tell application "System Events" to keystroke ${appleScriptString(text)}`]],
    // 51 = delete (backspace)
    backspace: (n) => ['osascript', ['-e', `tell application "System Events" to repeat ${n} times`, '-e', 'key code 51', '-e', 'end repeat']],
  },
  windows: {
    name: 'windows-sendkeys',
    pasteKeyLabel: 'Ctrl+V',
    paste: sendKeys('^v'),
    type: (text) => sendKeys(sendKeysLiteral(text)),
    backspace: (n) => sendKeys(`{BACKSPACE ${n}}`),
  },
} as const satisfies Record<string, StrategySpec>;
