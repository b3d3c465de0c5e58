import { AsrError } from './errors.ts';
import { ErrorCode } from './protocol/error-codes.ts';

/**
 * Hands-free mode: dictation stops by itself after a stretch of silence. The renderer measures
 * audio levels and feeds them here with their timestamps; the policy is pure so both processes
 * (and tests) share it without timers.
 */
export interface HandsFreeConfig {
  /** Silence after speech that ends the dictation. */
  silenceMs: number;
  /** Silence before any speech that ends it (the user opened it and said nothing). */
  initialSilenceMs: number;
  /** A level at or above this (dBFS) is speech. */
  thresholdDb: number;
}

export const DEFAULT_HANDS_FREE_CONFIG: HandsFreeConfig = { silenceMs: 2000, initialSilenceMs: 8000, thresholdDb: -45 };

export function validateHandsFreeConfig(c: HandsFreeConfig): HandsFreeConfig {
  const bad = (what: string) => new AsrError(ErrorCode.InvalidConfig, `hands-free: ${what}`);
  if (!Number.isFinite(c.silenceMs) || c.silenceMs <= 0) throw bad('silenceMs must be > 0');
  if (!Number.isFinite(c.initialSilenceMs) || c.initialSilenceMs <= 0) throw bad('initialSilenceMs must be > 0');
  if (!Number.isFinite(c.thresholdDb) || c.thresholdDb > 0) throw bad('thresholdDb must be a dBFS value ≤ 0');
  return c;
}

export type HandsFreeDecision = 'listening' | 'speech' | 'stop';

export class HandsFreePolicy {
  readonly config: HandsFreeConfig;
  #startedAt: number | undefined;
  #lastSpeechAt: number | undefined;
  #stopped = false;

  constructor(config: Partial<HandsFreeConfig> = {}) {
    this.config = validateHandsFreeConfig({ ...DEFAULT_HANDS_FREE_CONFIG, ...config });
  }

  /**
   * Feeds one level measurement (dBFS) taken at `nowMs` (any monotonic clock). Returns `stop`
   * once — and from then on — when the silence limit is reached.
   */
  update(levelDb: number, nowMs: number): HandsFreeDecision {
    if (this.#stopped) return 'stop';
    this.#startedAt ??= nowMs;
    if (levelDb >= this.config.thresholdDb) {
      this.#lastSpeechAt = nowMs;
      return 'speech';
    }
    const since = this.#lastSpeechAt ?? this.#startedAt;
    const limit = this.#lastSpeechAt === undefined ? this.config.initialSilenceMs : this.config.silenceMs;
    if (nowMs - since >= limit) {
      this.#stopped = true;
      return 'stop';
    }
    return 'listening';
  }

  /** Milliseconds of silence left before it stops (for a countdown in the UI). */
  remainingMs(nowMs: number): number {
    if (this.#stopped) return 0;
    if (this.#startedAt === undefined) return this.config.initialSilenceMs;
    const since = this.#lastSpeechAt ?? this.#startedAt;
    const limit = this.#lastSpeechAt === undefined ? this.config.initialSilenceMs : this.config.silenceMs;
    return Math.max(0, limit - (nowMs - since));
  }

  reset(): void {
    this.#startedAt = undefined;
    this.#lastSpeechAt = undefined;
    this.#stopped = false;
  }
}

/** RMS level of float samples in [-1, 1] as dBFS (-Infinity for digital silence). */
export function levelDbfs(samples: ArrayLike<number>): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  return rms === 0 ? -Infinity : 20 * Math.log10(rms);
}
