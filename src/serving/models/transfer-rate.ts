/** Bytes per second over a sliding window, so a progress bar shows the current speed, not the average. */
export class TransferRate {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  constructor(
    private readonly windowMs = 3000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records the running byte count and returns the rate in bytes per second (0 until two samples exist). */
  update(totalBytes: number): number {
    const at = this.now();
    this.samples.push({ at, bytes: totalBytes });
    while (this.samples.length > 2 && at - this.samples[0].at > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (at - first.at) / 1000;
    return elapsed > 0 ? (totalBytes - first.bytes) / elapsed : 0;
  }
}
