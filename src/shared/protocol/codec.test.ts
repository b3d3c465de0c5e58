import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from './codec.ts';
import { ErrorCode } from './error-codes.ts';

describe('decodeClientMessage', () => {
  it('accepts a minimal start and fills defaults', () => {
    const r = decodeClientMessage('{"type":"start","sample_rate":16000}');
    expect(r).toEqual({ ok: true, message: { type: 'start', sample_rate: 16000, format: 'pcm_s16le', channels: 1 } });
  });

  it('keeps optional fields', () => {
    const r = decodeClientMessage(JSON.stringify({ type: 'start', sample_rate: 48000, format: 'f32le', channels: 1, model: 'm', session_id: 's', hotwords: ['a'] }));
    expect(r.ok && r.message).toMatchObject({ model: 'm', session_id: 's', hotwords: ['a'], format: 'f32le' });
  });

  it.each([
    ['not json', ErrorCode.BadRequest],
    ['[1]', ErrorCode.BadRequest],
    ['{"type":"dance"}', ErrorCode.UnknownMessage],
    ['{"type":"start","sample_rate":0}', ErrorCode.UnsupportedAudio],
    ['{"type":"start","sample_rate":16000.5}', ErrorCode.UnsupportedAudio],
    ['{"type":"start","sample_rate":1000000}', ErrorCode.UnsupportedAudio],
    ['{"type":"start","sample_rate":16000,"channels":2}', ErrorCode.UnsupportedAudio],
    ['{"type":"start","sample_rate":16000,"format":"mp3"}', ErrorCode.UnsupportedAudio],
    ['{"type":"start","sample_rate":16000,"model":5}', ErrorCode.BadRequest],
    ['{"type":"start","sample_rate":16000,"hotwords":"x"}', ErrorCode.BadRequest],
    [JSON.stringify({ type: 'start', sample_rate: 16000, hotwords: Array(101).fill('x') }), ErrorCode.BadRequest],
    [JSON.stringify({ type: 'start', sample_rate: 16000, hotwords: ['x'.repeat(101)] }), ErrorCode.BadRequest],
  ])('rejects %s with %s', (text, code) => {
    const r = decodeClientMessage(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
});
