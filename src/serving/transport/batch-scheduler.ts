import type { OnlineRecognizer, OnlineStream } from '../../engine/recognizer-api.ts';
import { isAsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { AudioFormat } from '../../shared/protocol/messages.ts';
import { PcmDecoder } from './pcm-decoder.ts';

/** What a scheduler reports about its sessions; plain data, posted across the worker boundary. */
export type SchedulerEvent =
  | { type: 'partial'; id: string; utterance: number; text: string }
  | { type: 'final'; id: string; utterance: number; text: string; start: number; end: number; tokens: string[]; timestamps: number[] }
  | { type: 'progress'; id: string; seconds: number }
  | { type: 'end'; id: string }
  | { type: 'error'; id: string; code: ErrorCode; message: string };

export interface BatchStats {
  /** Streams in the decode call. */
  size: number;
  decodeMs: number;
  /** Audio advanced by the call, summed over its streams. */
  audioSeconds: number;
}

export interface BatchSchedulerOptions {
  maxBatch: number;
  loopIntervalMs: number;
}

/** Receives each round's events (and the stats of its decode call, if there was one). */
export type SchedulerOutput = (events: SchedulerEvent[], stats?: BatchStats) => void;

interface ScheduledSession {
  id: string;
  stream: OnlineStream;
  sampleRate: number;
  decoder: PcmDecoder;
  /** Decoded chunks not yet given to the stream; fed lazily so "consumed" means "taken by the engine". */
  queue: Float32Array[];
  fedSamples: number;
  /** Encoder steps run for this stream, to place utterance ends in time. */
  decodeCalls: number;
  finishRequested: boolean;
  inputFinished: boolean;
  utterance: number;
  lastPartial: string;
  finalsSent: number;
  reportedSeconds: number;
}

/** Seconds per feature frame (10 ms shift, as every supported model family uses). */
const FRAME_SECONDS = 0.01;

/**
 * One worker's decoding loop, like sherpa-onnx's websocket server: every `loopIntervalMs` it
 * gathers the ready streams (round robin, at most `maxBatch`) into ONE decodeStreams call,
 * then reports partials when the text changed, finals at endpoints (getResult + reset) and at
 * input end. A session lives on exactly one scheduler, so no stream is decoded twice at once.
 */
export class BatchScheduler {
  private readonly sessions = new Map<string, ScheduledSession>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private cursor = 0;
  private readonly chunkSeconds: number;

  constructor(
    private readonly recognizer: OnlineRecognizer,
    private readonly options: BatchSchedulerOptions,
    private readonly output: SchedulerOutput,
  ) {
    this.chunkSeconds = recognizer.modelInfo.chunkShift * FRAME_SECONDS;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** `hotwords` bias the session's search (see OnlineRecognizer.createStream). */
  open(id: string, sampleRate: number, format: AudioFormat, hotwords?: readonly string[]): void {
    if (this.sessions.has(id)) throw new Error(`session ${id} is already open on this worker`);
    this.sessions.set(id, {
      id,
      stream: this.recognizer.createStream({ hotwords }),
      sampleRate,
      decoder: new PcmDecoder(format),
      queue: [],
      fedSamples: 0,
      decodeCalls: 0,
      finishRequested: false,
      inputFinished: false,
      utterance: 0,
      lastPartial: '',
      finalsSent: 0,
      reportedSeconds: 0,
    });
  }

  push(id: string, bytes: Uint8Array): void {
    const s = this.sessions.get(id);
    if (!s || s.finishRequested) return;
    try {
      const samples = s.decoder.decode(bytes);
      if (samples.length > 0) s.queue.push(samples);
    } catch (err) {
      this.fail(s, err);
    }
  }

  finish(id: string): void {
    const s = this.sessions.get(id);
    if (s) s.finishRequested = true;
    this.wake();
  }

  abort(id: string): void {
    this.sessions.delete(id);
  }

  start(): void {
    this.running = true;
    this.schedule(this.options.loopIntervalMs);
  }

  /** Stops the loop after the decode call in flight, if any. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  /** Runs the next round soon instead of after a full interval (input ended). */
  private wake(): void {
    if (this.running && !this.inFlight) this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const round = this.round();
      this.inFlight = round.then(
        () => undefined,
        () => undefined,
      );
      void round
        .catch(() => false)
        .then((more) => {
          this.inFlight = undefined;
          if (this.running) this.schedule(more ? 0 : this.options.loopIntervalMs);
        });
    }, ms);
  }

  /** One scheduling round; resolves true when more streams are ready right away (catch-up mode). */
  private async round(): Promise<boolean> {
    const events: SchedulerEvent[] = [];
    const ready: ScheduledSession[] = [];
    const all = [...this.sessions.values()];
    const n = all.length;
    for (let k = 0; k < n; k++) {
      const s = all[(this.cursor + k) % n];
      this.feed(s);
      if (this.recognizer.isReady(s.stream)) {
        if (ready.length < this.options.maxBatch) ready.push(s);
      } else if (s.inputFinished) {
        this.finishSession(s, events);
      }
    }
    // Round robin: next round starts after the last stream served, so no stream starves.
    this.cursor = n > 0 ? (this.cursor + Math.max(1, ready.length)) % n : 0;
    let stats: BatchStats | undefined;
    if (ready.length > 0) {
      const t0 = performance.now();
      try {
        await this.recognizer.decodeStreams(ready.map((s) => s.stream));
      } catch (err) {
        for (const s of ready) this.fail(s, err, ErrorCode.WorkerFailed, events);
        this.output(events);
        return false;
      }
      const decodeMs = performance.now() - t0;
      stats = { size: ready.length, decodeMs, audioSeconds: ready.length * this.chunkSeconds };
      for (const s of ready) {
        if (!this.sessions.has(s.id)) continue; // aborted while decoding
        s.decodeCalls++;
        this.collect(s, events);
      }
    }
    if (events.length > 0 || stats) this.output(events, stats);
    return ready.length > 0 && [...this.sessions.values()].some((s) => this.recognizer.isReady(s.stream) || s.queue.length > 0 || (s.finishRequested && !s.inputFinished));
  }

  /** Gives the stream queued audio until it has enough for one encoder call; then input end. */
  private feed(s: ScheduledSession): void {
    while (s.queue.length > 0 && !this.recognizer.isReady(s.stream)) {
      const chunk = s.queue.shift()!;
      s.stream.acceptWaveform(s.sampleRate, chunk);
      s.fedSamples += chunk.length;
    }
    if (s.finishRequested && !s.inputFinished && s.queue.length === 0) {
      s.stream.inputFinished();
      s.inputFinished = true;
    }
  }

  private collect(s: ScheduledSession, events: SchedulerEvent[]): void {
    const seconds = s.fedSamples / s.sampleRate;
    if (seconds !== s.reportedSeconds) {
      s.reportedSeconds = seconds;
      events.push({ type: 'progress', id: s.id, seconds });
    }
    const result = this.recognizer.getResult(s.stream);
    if (this.recognizer.isEndpoint(s.stream)) {
      if (result.text !== '') this.emitFinal(s, events, Math.min(seconds, s.decodeCalls * this.chunkSeconds));
      this.recognizer.reset(s.stream);
      s.lastPartial = '';
      return;
    }
    if (result.text !== s.lastPartial) {
      s.lastPartial = result.text;
      events.push({ type: 'partial', id: s.id, utterance: s.utterance, text: result.text });
    }
  }

  private emitFinal(s: ScheduledSession, events: SchedulerEvent[], end: number): void {
    const r = this.recognizer.getResult(s.stream);
    events.push({
      type: 'final',
      id: s.id,
      utterance: s.utterance,
      text: r.text,
      start: r.startTime,
      end: Math.max(end, r.startTime),
      tokens: r.tokens,
      timestamps: r.timestamps,
    });
    s.utterance++;
    s.finalsSent++;
    s.lastPartial = '';
  }

  /** Input ended and nothing is left to decode: last final (every session gets at least one), then end. */
  private finishSession(s: ScheduledSession, events: SchedulerEvent[]): void {
    const seconds = s.fedSamples / s.sampleRate;
    if (seconds !== s.reportedSeconds) events.push({ type: 'progress', id: s.id, seconds });
    const r = this.recognizer.getResult(s.stream);
    if (r.text !== '' || s.finalsSent === 0) this.emitFinal(s, events, seconds);
    events.push({ type: 'end', id: s.id });
    this.sessions.delete(s.id);
  }

  private fail(s: ScheduledSession, err: unknown, fallback: ErrorCode = ErrorCode.Internal, events?: SchedulerEvent[]): void {
    this.sessions.delete(s.id);
    const code = isAsrError(err) ? err.code : fallback;
    const message = err instanceof Error ? err.message : String(err);
    const event: SchedulerEvent = { type: 'error', id: s.id, code, message };
    if (events) events.push(event);
    else this.output([event]);
  }
}
