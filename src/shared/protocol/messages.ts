/**
 * Protocol v1 messages (docs/protocol.md). Text frames carry these JSON objects;
 * binary frames carry raw audio in the format announced by `start`.
 */

export const PROTOCOL_PATH = '/v1/listen';

export type AudioFormat = 'pcm_s16le' | 'f32le';

export interface StartMessage {
  type: 'start';
  sample_rate: number;
  format: AudioFormat;
  channels: number;
  model?: string;
  language?: string;
  /** Resume an earlier session (same id) after a reconnect. */
  session_id?: string;
  hotwords?: string[];
}

export interface StopMessage {
  type: 'stop';
}

export type ClientMessage = StartMessage | StopMessage;

export interface ReadyMessage {
  type: 'ready';
  session_id: string;
  model: string;
}

export interface QueueStatusMessage {
  type: 'queue_status';
  /** 1-based position in the waiting room. */
  position: number;
  /** Sessions waiting in total (the old system's field name). */
  pending: number;
  eta_ms: number;
}

export interface PartialMessage {
  type: 'partial';
  utterance: number;
  text: string;
}

export interface FinalMessage {
  type: 'final';
  utterance: number;
  text: string;
  /** Seconds from the start of the session's audio. */
  start: number;
  end: number;
  tokens?: string[];
  timestamps?: number[];
}

export interface EndMessage {
  type: 'end';
}

export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

export type ServerMessage =
  | ReadyMessage
  | QueueStatusMessage
  | PartialMessage
  | FinalMessage
  | EndMessage
  | ErrorMessage;
