import captureProcessorUrl from './capture-processor.ts?worker&url';
import type { CaptureMessage, CaptureProcessorOptions } from './capture-messages.ts';

export interface CaptureCallbacks {
  /** A PCM16 mono frame at 16 kHz. */
  onFrame(pcm: Int16Array): void;
  onLevel?(rms: number, peak: number): void;
}

export interface MicrophoneCapture {
  /** The rate the AudioContext really runs at (the worklet resamples to 16 kHz if it differs). */
  readonly contextRate: number;
  /** Stops the microphone; resolves after the last partial frame was delivered. */
  stop(): Promise<void>;
}

const OUTPUT_RATE = 16000;

function createContext(): AudioContext {
  // Ask for 16 kHz so the browser resamples natively; fall back where that rate is refused.
  try {
    return new AudioContext({ sampleRate: OUTPUT_RATE, latencyHint: 'interactive' });
  } catch {
    return new AudioContext({ latencyHint: 'interactive' });
  }
}

/** Opens the chosen input device and streams 16 kHz PCM16 frames through the capture worklet. */
export async function startMicrophoneCapture(deviceId: string | undefined, callbacks: CaptureCallbacks): Promise<MicrophoneCapture> {
  // Worklet first, microphone last: nothing the device captures waits for the module to load.
  const ctx = createContext();
  let stream: MediaStream | undefined;
  try {
    await ctx.audioWorklet.addModule(captureProcessorUrl);
    const processorOptions: CaptureProcessorOptions = { outputRate: OUTPUT_RATE, frameMs: 40 };
    const node = new AudioWorkletNode(ctx, 'earshot-capture', { numberOfInputs: 1, numberOfOutputs: 1, processorOptions });
    let flushed: (() => void) | undefined;
    node.port.onmessage = (ev: MessageEvent<CaptureMessage>) => {
      const msg = ev.data;
      if (msg.type === 'frame') callbacks.onFrame(new Int16Array(msg.pcm));
      else if (msg.type === 'level') callbacks.onLevel?.(msg.rms, msg.peak);
      else if (msg.type === 'flushed') {
        if (msg.pcm) callbacks.onFrame(new Int16Array(msg.pcm));
        flushed?.();
      }
    };
    // Connected to the destination so the graph pulls the worklet; it outputs silence.
    node.connect(ctx.destination);
    await ctx.resume();
    stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        channelCount: { ideal: 1 },
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
      },
    });
    const tracks = stream.getTracks();
    const source = ctx.createMediaStreamSource(stream);
    source.connect(node);
    return {
      contextRate: ctx.sampleRate,
      async stop() {
        for (const track of tracks) track.stop();
        await new Promise<void>((resolve) => {
          flushed = resolve;
          node.port.postMessage({ type: 'flush' });
          // A suspended context never answers; do not hang the stop.
          setTimeout(resolve, 500);
        });
        source.disconnect();
        node.disconnect();
        await ctx.close();
      },
    };
  } catch (err) {
    for (const track of stream?.getTracks() ?? []) track.stop();
    await ctx.close().catch(() => undefined);
    throw err;
  }
}

