/**
 * AudioWorklet module (loaded with audioWorklet.addModule, built as its own file so it runs
 * under the strict CSP): mono 16 kHz PCM16 frames + levels posted to the main thread.
 */
import { measureLevels, PcmFrameEncoder } from './pcm-frame-encoder.ts';
import type { CaptureMessage, CaptureProcessorOptions } from './capture-messages.ts';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: { processorOptions?: unknown });
}
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly encoder: PcmFrameEncoder;
  private stopped = false;
  private levelBlocks = 0;
  private rmsSum = 0;
  private peak = 0;
  private readonly blocksPerLevel: number;

  constructor(options: { processorOptions?: unknown }) {
    super(options);
    const opts = (options.processorOptions ?? {}) as Partial<CaptureProcessorOptions>;
    this.encoder = new PcmFrameEncoder({ inputRate: sampleRate, outputRate: opts.outputRate ?? 16000, frameMs: opts.frameMs ?? 40 });
    // About 10 level updates a second (enough for a meter, cheap for the page), whatever the rate.
    this.blocksPerLevel = Math.max(1, Math.round(sampleRate / 128 / 10));
    this.port.onmessage = (ev: MessageEvent<{ type: string }>) => {
      if (ev.data?.type !== 'flush') return;
      const rest = this.encoder.flush();
      this.post({ type: 'flushed', ...(rest && { pcm: rest.buffer as ArrayBuffer }) }, rest ? [rest.buffer as ArrayBuffer] : []);
      this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    for (const frame of this.encoder.push(channels)) {
      this.post({ type: 'frame', pcm: frame.buffer as ArrayBuffer }, [frame.buffer as ArrayBuffer]);
    }
    const l = measureLevels(channels[0]);
    this.rmsSum += l.rms * l.rms;
    this.peak = Math.max(this.peak, l.peak);
    if (++this.levelBlocks >= this.blocksPerLevel) {
      this.post({ type: 'level', rms: Math.sqrt(this.rmsSum / this.levelBlocks), peak: this.peak });
      this.levelBlocks = 0;
      this.rmsSum = 0;
      this.peak = 0;
    }
    return true;
  }

  private post(message: CaptureMessage, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }
}

registerProcessor('earshot-capture', CaptureProcessor);
