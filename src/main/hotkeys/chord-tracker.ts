import { MODIFIER_KEYCODES, MODIFIERS, type KeyChord, type ModifierName } from './key-chord.ts';

/** A key event as uiohook reports it: the key, and the modifier state including this event. */
export interface KeyInput {
  keycode: number;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

const FLAG: Record<ModifierName, keyof Omit<KeyInput, 'keycode'>> = { ctrl: 'ctrlKey', shift: 'shiftKey', alt: 'altKey', meta: 'metaKey' };

/**
 * Turns the hook's raw key-downs and key-ups into one press and one release of a chord.
 * A press needs a fresh down of the chord's key (auto-repeat sends more downs without ups; they
 * never press again) with exactly the chord's modifiers held. Releasing any key of the chord,
 * modifiers included, ends the hold.
 */
export class ChordTracker {
  readonly #chord: KeyChord;
  readonly #chordKeys: ReadonlySet<number>;
  #keyDown = false;
  #held = false;

  constructor(chord: KeyChord) {
    this.#chord = chord;
    this.#chordKeys = new Set([chord.keycode, ...[...chord.modifiers].flatMap((m) => MODIFIER_KEYCODES[m])]);
  }

  get held(): boolean {
    return this.#held;
  }

  keyDown(e: KeyInput): 'press' | undefined {
    if (e.keycode !== this.#chord.keycode) return undefined;
    const repeat = this.#keyDown;
    this.#keyDown = true;
    if (repeat || this.#held) return undefined;
    if (!MODIFIERS.every((m) => e[FLAG[m]] === this.#chord.modifiers.has(m))) return undefined;
    this.#held = true;
    return 'press';
  }

  keyUp(e: KeyInput): 'release' | undefined {
    if (e.keycode === this.#chord.keycode) this.#keyDown = false;
    if (!this.#held || !this.#chordKeys.has(e.keycode)) return undefined;
    this.#held = false;
    return 'release';
  }

  /** Forgets every key (the hook stopped, so ups may have been missed). */
  reset(): void {
    this.#keyDown = false;
    this.#held = false;
  }
}
