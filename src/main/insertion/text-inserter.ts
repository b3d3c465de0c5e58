import type { InsertionCapability, InsertionResult } from '../../shared/ipc-contract.ts';
import type { InsertMode } from '../../shared/settings.ts';
import type { Clipboard } from './clipboard.ts';
import type { PasteStrategy } from './paste-strategy.ts';

export interface TextInserterOptions {
  mode: InsertMode;
  /** Put the user's clipboard back after the paste. */
  restoreClipboard: boolean;
  /** Time the target app gets to read the clipboard before it is restored. */
  restoreDelayMs: number;
}

export interface TextInserterDeps {
  clipboard: Clipboard;
  /** Undefined where paste cannot be simulated; then every final is copied. */
  strategy?: PasteStrategy;
  /** Shown when there is no strategy (what to install). */
  unavailableNotice?: string;
  options: () => TextInserterOptions;
  /** True while the app's own window has focus (pasting there would go nowhere useful). */
  isOwnAppFocused?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Puts each final into the focused application: clipboard + simulated paste, then the user's
 * clipboard is restored after a delay; or typed; or, when neither is safe, only copied with a
 * notice. Never pastes into a window other than the one focused when dictation started (where
 * the platform can tell). Insertions run one at a time so clipboard saves never interleave.
 */
export class TextInserter {
  readonly #deps: TextInserterDeps;
  readonly #sleep: (ms: number) => Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();
  #targetWindow: string | undefined;

  constructor(deps: TextInserterDeps) {
    this.#deps = deps;
    this.#sleep = deps.sleep ?? defaultSleep;
  }

  capability(): InsertionCapability {
    const s = this.#deps.strategy;
    return s ? { strategy: s.name, canPaste: true } : { strategy: 'copy-only', canPaste: false, notice: this.#deps.unavailableNotice };
  }

  /**
   * Remembers the focused window at the start of a dictation (by hotkey, while the user works in
   * another app). Started from our own window, no target is pinned: the user switches to the
   * target app afterwards.
   */
  async beginDictation(): Promise<void> {
    this.#targetWindow = undefined;
    if (this.#deps.isOwnAppFocused?.()) return;
    this.#targetWindow = await this.#deps.strategy?.focusedWindow?.().catch(() => undefined);
  }

  endDictation(): void {
    this.#targetWindow = undefined;
  }

  /**
   * Inserts `text`; with `deleteBefore`, first removes that many characters before the cursor
   * (a "scratch that" of text inserted earlier), under the same focus guard.
   */
  insert(text: string, deleteBefore = 0): Promise<InsertionResult> {
    const next = this.#queue.then(() => this.#insert(text, deleteBefore));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #insert(text: string, deleteBefore: number): Promise<InsertionResult> {
    const { strategy } = this.#deps;
    const options = this.#deps.options();
    const name = strategy?.name ?? 'copy-only';
    const pasteKey = strategy?.pasteKeyLabel ?? 'Ctrl+V';
    if (text === '' && deleteBefore === 0) return { outcome: 'skipped', strategy: name, text, reason: 'empty' };
    if (this.#deps.isOwnAppFocused?.()) {
      return { outcome: 'skipped', strategy: name, text, reason: 'own-window', notice: 'Earshot has focus — switch to the app you dictate into.' };
    }
    // Where nothing can be pasted, nothing can be deleted either: say so, and copy the new text.
    const fallback = async (reason: InsertionResult['reason'], notice: string): Promise<InsertionResult> => {
      if (deleteBefore > 0) notice = `${notice} "Scratch that" could not remove the earlier text there; delete it by hand.`;
      if (text === '') return { outcome: 'skipped', strategy: name, text, reason: 'delete-unavailable', notice };
      return this.#copy(text, reason, notice);
    };
    if (options.mode === 'copy') return fallback('copy-mode', `Copied — press ${pasteKey} to paste.`);
    if (!strategy) return fallback('no-paste-tool', `Copied — press ${pasteKey} to paste. ${this.#deps.unavailableNotice ?? ''}`.trim());
    if (this.#targetWindow !== undefined && strategy.focusedWindow) {
      const now = await strategy.focusedWindow().catch(() => undefined);
      if (now !== this.#targetWindow) {
        return fallback('focus-changed', `The focused window changed since dictation started — copied instead; press ${pasteKey} to paste.`);
      }
    }
    if (deleteBefore > 0) {
      try {
        await strategy.deleteBackward(deleteBefore);
      } catch (err) {
        return fallback('paste-failed', `Deleting failed (${(err as Error).message}) — copied; press ${pasteKey} to paste.`);
      }
      if (text === '') return { outcome: 'inserted', strategy: strategy.name, text, deleted: deleteBefore };
    }
    const deleted = deleteBefore > 0 ? { deleted: deleteBefore } : {};
    if (options.mode === 'type') {
      try {
        await strategy.type(text);
        return { outcome: 'inserted', strategy: strategy.name, text, ...deleted };
      } catch (err) {
        return this.#copy(text, 'paste-failed', `Typing failed (${(err as Error).message}) — copied; press ${pasteKey} to paste.`);
      }
    }
    const result = await this.#paste(text, strategy, options);
    return { ...result, ...deleted };
  }

  async #paste(text: string, strategy: PasteStrategy, options: TextInserterOptions): Promise<InsertionResult> {
    const { clipboard } = this.#deps;
    let saved;
    try {
      saved = options.restoreClipboard ? await clipboard.snapshot() : undefined;
      await clipboard.writeText(text);
    } catch (err) {
      return { outcome: 'failed', strategy: strategy.name, text, reason: 'clipboard-failed', notice: `Clipboard unavailable: ${(err as Error).message}` };
    }
    try {
      await strategy.paste();
    } catch (err) {
      // Our text stays on the clipboard so the user can paste it by hand.
      return {
        outcome: 'copied',
        strategy: strategy.name,
        text,
        reason: 'paste-failed',
        notice: `Paste failed (${(err as Error).message}) — copied; press ${strategy.pasteKeyLabel} to paste.`,
      };
    }
    if (saved) {
      // The target reads the clipboard asynchronously; restoring at once would paste the old content.
      await this.#sleep(options.restoreDelayMs);
      // If the user copied something else meanwhile, that wins over the old snapshot.
      const current = await clipboard.readText().catch(() => text);
      if (current === text) await clipboard.restore(saved).catch(() => undefined);
    }
    return { outcome: 'inserted', strategy: strategy.name, text };
  }

  async #copy(text: string, reason: InsertionResult['reason'], notice: string): Promise<InsertionResult> {
    const strategy = this.#deps.strategy?.name ?? 'copy-only';
    try {
      await this.#deps.clipboard.writeText(text);
      return { outcome: 'copied', strategy, text, reason, notice };
    } catch (err) {
      return { outcome: 'failed', strategy, text, reason: 'clipboard-failed', notice: `Clipboard unavailable: ${(err as Error).message}` };
    }
  }
}
