import { z } from 'zod';
import { engineModeSchema } from './settings.ts';

/** One final of a dictation; times in seconds from the start of that dictation. */
export const transcriptSegmentSchema = z
  .object({
    text: z.string().max(100_000),
    start: z.number().min(0).max(86_400),
    end: z.number().min(0).max(86_400),
  })
  .refine((s) => s.end >= s.start, 'segment end must not precede its start');
export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;

/** A dictation as the renderer reports it when it ends. */
export const newHistoryEntrySchema = z.object({
  /** The formatted text that was inserted. */
  text: z.string().max(1_000_000),
  durationMs: z.number().int().min(0).max(86_400_000),
  model: z.string().min(1).max(200),
  mode: engineModeSchema,
  segments: z.array(transcriptSegmentSchema).max(100_000).default([]),
  /** Epoch milliseconds; the store uses its clock when absent. */
  createdAt: z.number().int().min(0).optional(),
});
export type NewHistoryEntry = z.input<typeof newHistoryEntrySchema>;

/** A stored dictation. */
export interface HistoryEntry {
  id: number;
  text: string;
  /** Epoch milliseconds. */
  createdAt: number;
  durationMs: number;
  model: string;
  mode: 'local' | 'remote';
  segments: TranscriptSegment[];
}

/** List or full-text search the history, newest first. */
export const historyQuerySchema = z
  .object({
    /** Full-text query (words, prefixes); empty or absent lists everything. */
    search: z.string().max(1000).optional(),
    limit: z.number().int().min(1).max(1000).default(50),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type HistoryQuery = z.input<typeof historyQuerySchema>;

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Number of entries matching the query, for paging. */
  total: number;
}
