/** Messages between the capture worklet and the page. */

export interface CaptureProcessorOptions {
  outputRate: number;
  frameMs: number;
}

export type CaptureMessage =
  /** One PCM16 mono frame at `outputRate` (Int16Array's buffer, transferred). */
  | { type: 'frame'; pcm: ArrayBuffer }
  /** Input levels over the last ~100 ms, linear [0, 1]. */
  | { type: 'level'; rms: number; peak: number }
  /** Answer to `flush`: the last, shorter frame if any. The processor stops after it. */
  | { type: 'flushed'; pcm?: ArrayBuffer };
