import type { CarryStates, EncoderBinding } from '../../engine/model/session-factory.ts';
import type { ModelInfo, OnlineRecognizerConfig } from '../../engine/recognizer-api.ts';
import type { AudioFormat } from '../../shared/protocol/messages.ts';
import type { BatchStats, SchedulerEvent } from './batch-scheduler.ts';

/** What the worker passes to createOnlineRecognizer(); omitted fields take the engine's defaults. */
export type RecognizerConfigInput = Partial<OnlineRecognizerConfig> & { modelDir: string; encoderBinding?: EncoderBinding; carryStates?: CarryStates };

/** Given to each worker thread at spawn (workerData). */
export interface WorkerInit {
  index: number;
  /** Module URL exporting createOnlineRecognizer(config); undefined = Earshot's engine (bundled in). */
  recognizerModule?: string;
  recognizerConfig: RecognizerConfigInput;
  maxBatch: number;
  loopIntervalMs: number;
}

/** Gateway thread → worker thread. */
export type ToWorker =
  | { t: 'open'; id: string; sampleRate: number; format: AudioFormat; hotwords?: string[] }
  | { t: 'audio'; id: string; bytes: Uint8Array }
  | { t: 'finish'; id: string }
  | { t: 'abort'; id: string }
  /** Times batched decodes of `streams` synthetic streams of `seconds` each (capacity calibration). */
  | { t: 'calibrate'; streams: number; seconds: number }
  | { t: 'close' };

/** Worker thread → gateway thread. */
export type FromWorker =
  | { t: 'ready'; modelInfo: ModelInfo; provider: string; encoderBinding?: string }
  | { t: 'batch'; events: SchedulerEvent[]; stats?: BatchStats }
  | { t: 'calibrated'; audioSeconds: number; wallMs: number; warmupMs: number }
  | { t: 'failed'; code: string; message: string }
  | { t: 'closed' };
