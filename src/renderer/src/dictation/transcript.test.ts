import { describe, expect, it } from 'vitest';
import { DEFAULT_FORMATTER_OPTIONS } from '../../../shared/dictation-formatter.ts';
import { addFinal, EMPTY_TRANSCRIPT, setPartial, transcriptText } from './transcript.ts';

const opts = DEFAULT_FORMATTER_OPTIONS;
const final = (utterance: number, text: string, start = utterance, end = utterance + 1) => ({ type: 'final' as const, utterance, text, start, end });

describe('transcript', () => {
  it('formats finals, keeps their times as segments and clears the partial', () => {
    let t = setPartial(EMPTY_TRANSCRIPT, 'hello comma', opts);
    expect(t.partial).toBe('Hello,');
    const a = addFinal(t, final(0, 'hello comma world period', 0.2, 1.4), opts);
    t = a.transcript;
    expect(a.edit.insert).toBe('Hello, world.');
    expect(t.partial).toBe('');
    t = addFinal(t, final(1, 'it works', 1.5, 2.5), opts).transcript;
    expect(transcriptText(t)).toBe('Hello, world. It works');
    expect(t.segments).toEqual([
      { text: 'Hello, world.', start: 0.2, end: 1.4 },
      { text: 'It works', start: 1.5, end: 2.5 },
    ]);
  });

  it('shows the partial as it would be formatted after the committed text', () => {
    const t = addFinal(EMPTY_TRANSCRIPT, final(0, 'one period'), opts).transcript;
    expect(setPartial(t, 'two', opts).partial).toBe(' Two');
    expect(setPartial(t, '   ', opts).partial).toBe('');
  });

  it('drops the segment of a phrase that "scratch that" removed', () => {
    let t = addFinal(EMPTY_TRANSCRIPT, final(0, 'wrong words'), opts).transcript;
    const r = addFinal(t, final(1, 'scratch that'), opts);
    t = r.transcript;
    expect(transcriptText(t)).toBe('');
    expect(r.edit.deleteCount).toBe('Wrong words'.length);
    expect(t.segments).toEqual([]);
  });
});
