import { applyFinal, documentText, EMPTY_DOCUMENT, formatPartial, type DictationDocument, type FormatResult, type FormatterOptions } from '../../../shared/dictation-formatter.ts';
import type { TranscriptSegment } from '../../../shared/history-entry.ts';
import type { FinalMessage } from '../../../shared/protocol/messages.ts';

/** What one dictation has produced so far: formatted committed text, its segments, the live partial. */
export interface Transcript {
  readonly document: DictationDocument;
  /** Formatted finals with their times, for the history and subtitle export. */
  readonly segments: readonly TranscriptSegment[];
  /** Provisional text of the utterance being spoken (formatted as if it were final now). */
  readonly partial: string;
}

export const EMPTY_TRANSCRIPT: Transcript = Object.freeze({ document: EMPTY_DOCUMENT, segments: Object.freeze([]), partial: '' });

export function transcriptText(t: Transcript): string {
  return documentText(t.document);
}

/** Commits a final (the client already dropped repeats); returns the edit for insertion. */
export function addFinal(t: Transcript, msg: FinalMessage, options: FormatterOptions): { transcript: Transcript; edit: FormatResult } {
  const edit = applyFinal(t.document, msg.text, options);
  // Segments stay one per phrase of the document, so "scratch that" removes its segment too.
  const added = edit.insert !== '';
  const kept = t.segments.slice(0, edit.document.phrases.length - (added ? 1 : 0));
  const start = Math.max(0, msg.start);
  const segments = added ? [...kept, { text: edit.insert.trim(), start, end: Math.max(start, msg.end) }] : kept;
  return { transcript: { document: edit.document, segments, partial: '' }, edit };
}

export function setPartial(t: Transcript, raw: string, options: FormatterOptions): Transcript {
  const partial = raw.trim() === '' ? '' : formatPartial(t.document, raw, options).insert;
  return partial === t.partial ? t : { ...t, partial };
}
