import type { GlobalShortcut } from 'electron';
import type { HotkeyStatus } from '../shared/ipc-contract.ts';

/**
 * The global dictation hotkey. Electron's globalShortcut fires on key-down only, so this build
 * offers toggle; hold-to-talk needs a native key-up hook (see README).
 */
export class HotkeyManager {
  readonly #shortcuts: Pick<GlobalShortcut, 'register' | 'unregister'>;
  readonly #onToggle: () => void;
  #status: HotkeyStatus = { accelerator: '', registered: false, holdToTalkAvailable: false };

  constructor(shortcuts: Pick<GlobalShortcut, 'register' | 'unregister'>, onToggle: () => void) {
    this.#shortcuts = shortcuts;
    this.#onToggle = onToggle;
  }

  get status(): HotkeyStatus {
    return this.#status;
  }

  /** (Re-)binds the toggle; a refused or malformed accelerator is reported, not thrown. */
  bind(accelerator: string): HotkeyStatus {
    if (accelerator === this.#status.accelerator && this.#status.registered) return this.#status;
    this.unbind();
    let registered = false;
    let error: string | undefined;
    try {
      registered = this.#shortcuts.register(accelerator, () => this.#onToggle());
      if (!registered) error = `"${accelerator}" is taken by the system or another application`;
    } catch (err) {
      error = `"${accelerator}" is not a valid shortcut: ${(err as Error).message}`;
    }
    this.#status = { accelerator, registered, holdToTalkAvailable: false, ...(error ? { error } : {}) };
    return this.#status;
  }

  unbind(): void {
    if (this.#status.registered) this.#shortcuts.unregister(this.#status.accelerator);
    this.#status = { ...this.#status, registered: false };
  }
}
