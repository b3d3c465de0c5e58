import { ErrorCode } from './error-codes.ts';
import type { AudioFormat, ClientMessage, ServerMessage, StartMessage } from './messages.ts';

export const SUPPORTED_FORMATS: readonly AudioFormat[] = ['pcm_s16le', 'f32le'];
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192000;
export const MAX_HOTWORDS = 100;
export const MAX_HOTWORD_LENGTH = 100;

export type DecodeResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string };

function fail(code: ErrorCode, message: string): DecodeResult {
  return { ok: false, code, message };
}

function validateStart(obj: Record<string, unknown>): DecodeResult {
  const rate = obj.sample_rate;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    return fail(ErrorCode.UnsupportedAudio, `sample_rate must be an integer in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}]`);
  }
  const format = obj.format ?? 'pcm_s16le';
  if (!SUPPORTED_FORMATS.includes(format as AudioFormat)) {
    return fail(ErrorCode.UnsupportedAudio, `format must be one of ${SUPPORTED_FORMATS.join(', ')}`);
  }
  const channels = obj.channels ?? 1;
  if (channels !== 1) return fail(ErrorCode.UnsupportedAudio, 'only mono audio (channels: 1) is supported');
  for (const key of ['model', 'language', 'session_id'] as const) {
    if (obj[key] !== undefined && typeof obj[key] !== 'string') return fail(ErrorCode.BadRequest, `${key} must be a string`);
  }
  if (obj.hotwords !== undefined && !(Array.isArray(obj.hotwords) && obj.hotwords.every((w) => typeof w === 'string'))) {
    return fail(ErrorCode.BadRequest, 'hotwords must be an array of strings');
  }
  // Each session builds a search graph from them: bounded, so one start message stays cheap.
  if (Array.isArray(obj.hotwords) && obj.hotwords.length > MAX_HOTWORDS) return fail(ErrorCode.BadRequest, `hotwords takes at most ${MAX_HOTWORDS} entries`);
  if (Array.isArray(obj.hotwords) && obj.hotwords.some((w) => (w as string).length > MAX_HOTWORD_LENGTH)) {
    return fail(ErrorCode.BadRequest, `each hotword is at most ${MAX_HOTWORD_LENGTH} characters`);
  }
  const start: StartMessage = {
    type: 'start',
    sample_rate: rate,
    format: format as AudioFormat,
    channels: 1,
    ...(obj.model !== undefined && { model: obj.model as string }),
    ...(obj.language !== undefined && { language: obj.language as string }),
    ...(obj.session_id !== undefined && { session_id: obj.session_id as string }),
    ...(obj.hotwords !== undefined && { hotwords: obj.hotwords as string[] }),
  };
  return { ok: true, message: start };
}

/** Parses and validates one client text frame; never throws. */
export function decodeClientMessage(text: string): DecodeResult {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return fail(ErrorCode.BadRequest, 'message is not valid JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return fail(ErrorCode.BadRequest, 'message must be a JSON object');
  }
  const record = obj as Record<string, unknown>;
  switch (record.type) {
    case 'start':
      return validateStart(record);
    case 'stop':
      return { ok: true, message: { type: 'stop' } };
    default:
      return fail(ErrorCode.UnknownMessage, `unknown message type: ${JSON.stringify(record.type)}`);
  }
}

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** Parses a server frame on the client side (renderer, CLI, bench). */
export function decodeServerMessage(text: string): ServerMessage {
  const obj = JSON.parse(text) as ServerMessage;
  if (typeof obj !== 'object' || obj === null || typeof obj.type !== 'string') {
    throw new Error('server message without a type');
  }
  return obj;
}
