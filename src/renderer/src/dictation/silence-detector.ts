/**
 * Hands-free auto-stop: true once the input stayed under `thresholdDb` for `timeoutMs`
 * after some speech was heard (silence before the first word never stops a dictation).
 */
export class SilenceDetector {
  private heardSpeech = false;
  private silentSince: number | undefined;

  constructor(
    private readonly thresholdDb: number,
    private readonly timeoutMs: number,
  ) {}

  /** Feeds one level reading (dBFS) taken at `at` ms; returns true when the dictation should stop. */
  update(levelDb: number, at: number): boolean {
    if (levelDb >= this.thresholdDb) {
      this.heardSpeech = true;
      this.silentSince = undefined;
      return false;
    }
    if (!this.heardSpeech) return false;
    this.silentSince ??= at;
    return at - this.silentSince >= this.timeoutMs;
  }
}
