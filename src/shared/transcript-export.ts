import { z } from 'zod';
import type { HistoryEntry, TranscriptSegment } from './history-entry.ts';

/** Export formats of the history (desktop save dialog and the web UI's download). */
export const exportFormatSchema = z.enum(['txt', 'srt', 'vtt', 'json']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const EXPORT_MIME_TYPES: Readonly<Record<ExportFormat, string>> = {
  txt: 'text/plain;charset=utf-8',
  srt: 'application/x-subrip;charset=utf-8',
  vtt: 'text/vtt;charset=utf-8',
  json: 'application/json;charset=utf-8',
};

interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

/** Renders entries (oldest first as given) in `format`. Pure: same input, same bytes. */
export function exportTranscript(entries: readonly HistoryEntry[], format: ExportFormat): string {
  switch (format) {
    case 'txt':
      return toTxt(entries);
    case 'srt':
      return toSrt(entries);
    case 'vtt':
      return toVtt(entries);
    case 'json':
      return toJson(entries);
  }
}

/** Plain text: one paragraph per dictation. */
export function toTxt(entries: readonly HistoryEntry[]): string {
  const parts = entries.map((e) => e.text.trim()).filter((t) => t !== '');
  return parts.length === 0 ? '' : `${parts.join('\n\n')}\n`;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm`, blank line between cues. */
export function toSrt(entries: readonly HistoryEntry[]): string {
  return timeline(entries)
    .map((c, i) => `${i + 1}\n${timestamp(c.startMs, ',')} --> ${timestamp(c.endMs, ',')}\n${srtText(c.text)}\n`)
    .join('\n');
}

/** WebVTT: `WEBVTT` header, `HH:MM:SS.mmm` cues, text escaped for the cue text syntax. */
export function toVtt(entries: readonly HistoryEntry[]): string {
  const cues = timeline(entries).map(
    (c) => `${timestamp(c.startMs, '.')} --> ${timestamp(c.endMs, '.')}\n${vttText(c.text)}\n`,
  );
  return ['WEBVTT\n', ...cues].join('\n');
}

/** JSON: every field of every entry, plus ISO dates for people reading it. */
export function toJson(entries: readonly HistoryEntry[]): string {
  const out = {
    format: 'earshot-history',
    version: 1,
    entries: entries.map((e) => ({
      id: e.id,
      createdAt: new Date(e.createdAt).toISOString(),
      durationMs: e.durationMs,
      model: e.model,
      mode: e.mode,
      text: e.text,
      segments: e.segments.map((s) => ({ text: s.text, start: s.start, end: s.end })),
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Suggested file name, e.g. `earshot-2025-01-31-1405.srt` (local time of `now`). */
export function exportFileName(format: ExportFormat, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  return `earshot-${stamp}.${format}`;
}

/**
 * Lays dictations end to end on one timeline: each entry's segments are shifted by the
 * length of the entries before it, so cues never overlap and stay in order.
 */
function timeline(entries: readonly HistoryEntry[]): Cue[] {
  const cues: Cue[] = [];
  let offsetMs = 0;
  for (const e of entries) {
    const segments: TranscriptSegment[] =
      e.segments.length > 0 ? e.segments : [{ text: e.text, start: 0, end: e.durationMs / 1000 }];
    let lastEnd = 0;
    for (const s of segments) {
      const text = s.text.trim();
      const startMs = Math.round(s.start * 1000);
      // A cue needs a positive length; a zero-length final still gets one millisecond.
      const endMs = Math.max(Math.round(s.end * 1000), startMs + 1);
      lastEnd = Math.max(lastEnd, endMs);
      if (text !== '') cues.push({ startMs: offsetMs + startMs, endMs: offsetMs + endMs, text });
    }
    offsetMs += Math.max(e.durationMs, lastEnd);
  }
  return cues;
}

function timestamp(ms: number, fractionSeparator: ',' | '.'): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const f = ms % 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(h)}:${p(m)}:${p(s)}${fractionSeparator}${p(f, 3)}`;
}

/** A blank line ends a cue, so paragraphs inside one cue collapse to single line breaks. */
function collapseBlankLines(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

function srtText(text: string): string {
  // SubRip has no escaping; an arrow inside text would read as a timing line.
  return collapseBlankLines(text).replaceAll('-->', '->');
}

function vttText(text: string): string {
  return collapseBlankLines(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
