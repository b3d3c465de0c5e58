import { describe, expect, it } from 'vitest';
import { parseSrt } from '../../test-support/subrip.ts';
import { parseWebVtt } from '../../test-support/webvtt.ts';
import type { HistoryEntry } from './history-entry.ts';
import { exportFileName, exportTranscript, toJson, toSrt, toTxt, toVtt } from './transcript-export.ts';

interface ParsedCue {
  startMs: number;
  endMs: number;
  text: string;
}

function parseVtt(text: string): ParsedCue[] {
  const { cues, errors } = parseWebVtt(text);
  expect(errors).toEqual([]);
  return cues;
}

const entry = (over: Partial<HistoryEntry> & Pick<HistoryEntry, 'id' | 'text'>): HistoryEntry => ({
  createdAt: Date.UTC(2025, 0, 31, 14, 5, 0),
  durationMs: 5000,
  model: 'earshot-en-small',
  mode: 'local',
  segments: [],
  ...over,
});

const history: HistoryEntry[] = [
  entry({
    id: 1,
    text: 'Hello world. How are you?',
    durationMs: 4200,
    segments: [
      { text: 'Hello world.', start: 0.25, end: 1.5 },
      { text: 'How are you?', start: 2, end: 3.975 },
    ],
  }),
  entry({ id: 2, text: 'A dictation without segments', durationMs: 61_500 }),
  entry({
    id: 3,
    text: 'Tricky <b>tags</b> & "quotes" --> arrows\n\nand a paragraph',
    durationMs: 3_723_004,
    segments: [{ text: 'Tricky <b>tags</b> & "quotes" --> arrows\n\nand a paragraph', start: 3600, end: 3723.004 }],
  }),
];

describe('SRT', () => {
  it('parses back to the segments, laid end to end', () => {
    expect(parseSrt(toSrt(history))).toEqual([
      { startMs: 250, endMs: 1500, text: 'Hello world.' },
      { startMs: 2000, endMs: 3975, text: 'How are you?' },
      { startMs: 4200, endMs: 4200 + 61_500, text: 'A dictation without segments' },
      {
        startMs: 4200 + 61_500 + 3_600_000,
        endMs: 4200 + 61_500 + 3_723_004,
        text: 'Tricky <b>tags</b> & "quotes" -> arrows\nand a paragraph',
      },
    ]);
  });

  it('is empty for no entries and skips empty segments', () => {
    expect(toSrt([])).toBe('');
    const e = entry({ id: 9, text: 'x', segments: [{ text: '  ', start: 0, end: 1 }, { text: 'x', start: 1, end: 2 }] });
    expect(parseSrt(toSrt([e]))).toEqual([{ startMs: 1000, endMs: 2000, text: 'x' }]);
  });

  it('gives a zero-length segment a positive duration', () => {
    const e = entry({ id: 9, text: 'x', segments: [{ text: 'x', start: 1, end: 1 }] });
    const [cue] = parseSrt(toSrt([e]));
    expect(cue.endMs).toBeGreaterThan(cue.startMs);
  });
});

describe('WebVTT', () => {
  it('parses without errors in the reference parser, text and times intact', () => {
    expect(parseVtt(toVtt(history))).toEqual([
      { startMs: 250, endMs: 1500, text: 'Hello world.' },
      { startMs: 2000, endMs: 3975, text: 'How are you?' },
      { startMs: 4200, endMs: 65_700, text: 'A dictation without segments' },
      // Markup-like text survives as text: it was escaped, not interpreted.
      { startMs: 3_665_700, endMs: 3_788_704, text: 'Tricky <b>tags</b> & "quotes" --> arrows\nand a paragraph' },
    ]);
  });

  it('an empty history is a valid file with no cues', () => {
    expect(toVtt([]).startsWith('WEBVTT')).toBe(true);
    expect(parseVtt(toVtt([]))).toEqual([]);
  });
});

describe('txt and json', () => {
  it('txt has one paragraph per dictation', () => {
    const paragraphs = toTxt(history.slice(0, 2)).trimEnd().split('\n\n');
    expect(paragraphs).toEqual(['Hello world. How are you?', 'A dictation without segments']);
    expect(toTxt([])).toBe('');
  });

  it('json parses back to every field', () => {
    const parsed = JSON.parse(toJson(history)) as { format: string; version: number; entries: unknown[] };
    expect(parsed.format).toBe('earshot-history');
    expect(parsed.version).toBe(1);
    expect(parsed.entries).toEqual(
      history.map((e) => ({ ...e, createdAt: new Date(e.createdAt).toISOString() })),
    );
  });

  it('exportTranscript dispatches on the format', () => {
    expect(exportTranscript(history, 'txt')).toBe(toTxt(history));
    expect(exportTranscript(history, 'srt')).toBe(toSrt(history));
    expect(exportTranscript(history, 'vtt')).toBe(toVtt(history));
    expect(exportTranscript(history, 'json')).toBe(toJson(history));
  });

  it('file names carry the date and the extension', () => {
    expect(exportFileName('vtt', new Date(2025, 0, 31, 14, 5))).toBe('earshot-2025-01-31-1405.vtt');
  });
});
