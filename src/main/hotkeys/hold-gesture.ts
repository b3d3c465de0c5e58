/** Shorter presses than this are taps: they toggle instead of holding. */
export const DEFAULT_TAP_MS = 250;

/**
 * Hold-to-talk with tap-to-toggle: holding the hotkey dictates until it is released; a tap
 * (released within `tapMs`) leaves dictation running, and the next press stops it. So a user
 * who taps out of habit gets the toggle they expect instead of a dictation that ends at once.
 */
export class HoldGesture {
  readonly #tapMs: number;
  readonly #now: () => number;
  #pressedAt = 0;
  /** A tap started dictation; the next press stops it. */
  #latched = false;
  /** This press stopped a latched dictation: its release does nothing. */
  #swallowRelease = false;

  constructor(tapMs = DEFAULT_TAP_MS, now: () => number = () => performance.now()) {
    this.#tapMs = tapMs;
    this.#now = now;
  }

  press(): 'start' | 'stop' {
    if (this.#latched) {
      this.#latched = false;
      this.#swallowRelease = true;
      return 'stop';
    }
    this.#swallowRelease = false;
    this.#pressedAt = this.#now();
    return 'start';
  }

  release(): 'stop' | undefined {
    if (this.#swallowRelease) {
      this.#swallowRelease = false;
      return undefined;
    }
    if (this.#now() - this.#pressedAt < this.#tapMs) {
      this.#latched = true;
      return undefined;
    }
    return 'stop';
  }

  /** Dictation ended some other way (UI, tray, hands-free silence): the next press starts again. */
  dictationEnded(): void {
    this.#latched = false;
  }
}
