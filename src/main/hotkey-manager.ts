import type { GlobalShortcut } from 'electron';
import type { HotkeyAction, HotkeyStatus } from '../shared/ipc-contract.ts';
import type { KeyHook } from './hotkeys/global-key-hook.ts';
import { HoldGesture } from './hotkeys/hold-gesture.ts';
import { parseKeyChord, type KeyChord } from './hotkeys/key-chord.ts';

export interface HotkeyConfig {
  accelerator: string;
  holdToTalk: boolean;
}

export interface HotkeyManagerOptions {
  /** The key-up capable hook for hold-to-talk; without one only the toggle exists. */
  keyHook?: KeyHook;
  /** Resolves CommandOrControl; default process.platform. */
  platform?: NodeJS.Platform;
  /** Presses shorter than this toggle instead of holding (hold-gesture.ts). */
  tapMs?: number;
  now?: () => number;
}

const NOT_CHECKED = 'not checked yet';

/**
 * The global dictation hotkey. The accelerator is always registered with Electron's
 * globalShortcut: in toggle mode it fires the toggle; in hold-to-talk mode its grab only keeps the
 * chord from reaching the focused application, and the key hook (which sees key-down and key-up
 * even of grabbed keys) reports press and release. Hold mode needs the hook to be available
 * here and the accelerator to be one it can watch; otherwise the toggle stays, and the status
 * says why.
 */
export class HotkeyManager {
  readonly #shortcuts: Pick<GlobalShortcut, 'register' | 'unregister'>;
  readonly #onAction: (action: HotkeyAction) => void;
  readonly #keyHook: KeyHook | undefined;
  readonly #platform: NodeJS.Platform;
  readonly #gesture: HoldGesture;
  #config: HotkeyConfig = { accelerator: '', holdToTalk: false };
  #status: HotkeyStatus = { accelerator: '', registered: false, holdToTalkAvailable: false, holdToTalkReason: NOT_CHECKED };
  /** Hold mode is live: the hook watches the chord and the shortcut's callback is ignored. */
  #holding = false;
  /** Availability is worth probing (someone asked for the status, or hold mode is on). */
  #probeWanted = false;
  #pending: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(shortcuts: Pick<GlobalShortcut, 'register' | 'unregister'>, onAction: (action: HotkeyAction) => void, options: HotkeyManagerOptions = {}) {
    this.#shortcuts = shortcuts;
    this.#onAction = onAction;
    this.#keyHook = options.keyHook;
    this.#platform = options.platform ?? process.platform;
    this.#gesture = new HoldGesture(options.tapMs, options.now);
  }

  get status(): HotkeyStatus {
    return this.#status;
  }

  /** Whether hold-to-talk is live (the key hook runs and watches the hotkey). */
  get holding(): boolean {
    return this.#holding;
  }

  /**
   * Applies the hotkey settings. The shortcut is (re-)registered at once; the key hook is probed
   * and started or stopped after, and the returned status says how it went. Never throws: a
   * refused accelerator or an unavailable hook is reported in the status.
   */
  configure(config: HotkeyConfig): Promise<HotkeyStatus> {
    this.#config = config;
    this.#bindShortcut(config.accelerator);
    return this.#enqueue();
  }

  /** The status with hold-to-talk availability checked (probes the hook once, lazily). */
  checkedStatus(): Promise<HotkeyStatus> {
    this.#probeWanted = true;
    return this.#enqueue();
  }

  /** Dictation ended by other means (UI, tray, silence): a tap-started dictation is over. */
  dictationEnded(): void {
    this.#gesture.dictationEnded();
  }

  /** Unregisters the shortcut and stops the hook for good (quit). */
  close(): void {
    this.#closed = true;
    this.#holding = false;
    if (this.#status.registered) this.#shortcuts.unregister(this.#status.accelerator);
    this.#status = { ...this.#status, registered: false };
    this.#keyHook?.dispose();
  }

  #enqueue(): Promise<HotkeyStatus> {
    const run = this.#pending.then(() => this.#applyHold());
    this.#pending = run.catch(() => undefined);
    return run;
  }

  #bindShortcut(accelerator: string): void {
    if (this.#closed || (accelerator === this.#status.accelerator && this.#status.registered)) return;
    if (this.#status.registered) this.#shortcuts.unregister(this.#status.accelerator);
    let registered = false;
    let error: string | undefined;
    try {
      registered = this.#shortcuts.register(accelerator, () => {
        if (!this.#holding) this.#onAction('toggle');
      });
      if (!registered) error = `"${accelerator}" is taken by the system or another application`;
    } catch (err) {
      error = `"${accelerator}" is not a valid shortcut: ${(err as Error).message}`;
    }
    const { holdToTalkAvailable, holdToTalkReason } = this.#status;
    this.#status = {
      accelerator,
      registered,
      holdToTalkAvailable,
      ...(holdToTalkReason !== undefined && { holdToTalkReason }),
      ...(error !== undefined && { error }),
    };
  }

  async #applyHold(): Promise<HotkeyStatus> {
    const { accelerator, holdToTalk } = this.#config;
    // Once checked, always checked: the probe's answer is cached, and the status stays truthful.
    if (holdToTalk) this.#probeWanted = true;
    const check = this.#probeWanted ? await this.#holdCheck(accelerator) : undefined;
    if (this.#closed) return this.#status;
    let availability = check ? ('chord' in check ? { ok: true as const } : { ok: false as const, reason: check.reason }) : undefined;
    let holding = false;
    if (holdToTalk && check && 'chord' in check && this.#status.registered) {
      try {
        await this.#keyHook!.watch(check.chord, {
          press: () => this.#onAction(this.#gesture.press() === 'start' ? 'hold-start' : 'hold-stop'),
          release: () => {
            if (this.#gesture.release() === 'stop') this.#onAction('hold-stop');
          },
        });
        holding = true;
      } catch (err) {
        availability = { ok: false, reason: (err as Error).message };
      }
    }
    if (!holding) this.#keyHook?.unwatch();
    this.#holding = holding && !this.#closed;
    const { accelerator: bound, registered, error } = this.#status;
    const reason = availability ? (availability.ok ? undefined : availability.reason) : NOT_CHECKED;
    this.#status = {
      accelerator: bound,
      registered,
      holdToTalkAvailable: availability?.ok ?? false,
      ...(reason !== undefined && { holdToTalkReason: reason }),
      ...(error !== undefined && { error }),
    };
    return this.#status;
  }

  async #holdCheck(accelerator: string): Promise<{ chord: KeyChord } | { reason: string }> {
    if (!this.#keyHook) return { reason: 'this build has no key-up hook' };
    const a = await this.#keyHook.availability();
    if (!a.available) return { reason: a.reason };
    try {
      return { chord: parseKeyChord(accelerator, this.#platform) };
    } catch (err) {
      return { reason: (err as Error).message };
    }
  }
}
