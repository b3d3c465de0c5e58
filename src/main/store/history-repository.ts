import type { Database, Statement } from 'better-sqlite3';
import { AsrError } from '../../shared/errors.ts';
import {
  historyQuerySchema,
  newHistoryEntrySchema,
  type HistoryEntry,
  type HistoryPage,
  type HistoryQuery,
  type NewHistoryEntry,
  type TranscriptSegment,
} from '../../shared/history-entry.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

interface HistoryRow {
  id: number;
  text: string;
  created_at: number;
  duration_ms: number;
  model: string;
  mode: 'local' | 'remote';
  segments: string;
}

/** Dictation history with FTS5 full-text search, newest first. */
export class HistoryRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #now: () => number;

  constructor(db: Database, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      'INSERT INTO history (text, created_at, duration_ms, model, mode, segments) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  add(input: NewHistoryEntry): HistoryEntry {
    const parsed = newHistoryEntrySchema.safeParse(input);
    if (!parsed.success) throw new AsrError(ErrorCode.BadRequest, `invalid history entry: ${parsed.error.message}`);
    const e = parsed.data;
    const createdAt = e.createdAt ?? this.#now();
    const info = this.#insert.run(e.text, createdAt, e.durationMs, e.model, e.mode, JSON.stringify(e.segments));
    return { id: Number(info.lastInsertRowid), text: e.text, createdAt, durationMs: e.durationMs, model: e.model, mode: e.mode, segments: e.segments };
  }

  /** Lists (or, with `search`, full-text searches) entries, newest first. */
  list(query: HistoryQuery = {}): HistoryPage {
    const parsed = historyQuerySchema.safeParse(query);
    if (!parsed.success) throw new AsrError(ErrorCode.BadRequest, `invalid history query: ${parsed.error.message}`);
    const { search, limit, offset } = parsed.data;
    const match = search === undefined ? undefined : ftsQuery(search);
    if (match === undefined) {
      const total = (this.#db.prepare('SELECT count(*) AS n FROM history').get() as { n: number }).n;
      const rows = this.#db
        .prepare('SELECT * FROM history ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?')
        .all(limit, offset) as HistoryRow[];
      return { entries: rows.map(toEntry), total };
    }
    const total = (
      this.#db.prepare('SELECT count(*) AS n FROM history_fts WHERE history_fts MATCH ?').get(match) as { n: number }
    ).n;
    const rows = this.#db
      .prepare(
        `SELECT h.* FROM history_fts f JOIN history h ON h.id = f.rowid
         WHERE history_fts MATCH ? ORDER BY h.created_at DESC, h.id DESC LIMIT ? OFFSET ?`,
      )
      .all(match, limit, offset) as HistoryRow[];
    return { entries: rows.map(toEntry), total };
  }

  /** Entries by id, oldest first (the order an export reads them). Unknown ids are skipped. */
  getMany(ids: readonly number[]): HistoryEntry[] {
    if (ids.length === 0) return [];
    const stmt = this.#db.prepare('SELECT * FROM history WHERE id = ?');
    const rows = ids.map((id) => stmt.get(id) as HistoryRow | undefined).filter((r): r is HistoryRow => r !== undefined);
    return dedupe(rows).sort((a, b) => a.created_at - b.created_at || a.id - b.id).map(toEntry);
  }

  /** Every entry, oldest first. */
  all(): HistoryEntry[] {
    return (this.#db.prepare('SELECT * FROM history ORDER BY created_at ASC, id ASC').all() as HistoryRow[]).map(toEntry);
  }

  /** Deletes entries; returns how many existed. */
  delete(ids: readonly number[]): number {
    const stmt = this.#db.prepare('DELETE FROM history WHERE id = ?');
    return this.#db.transaction(() => ids.reduce((n, id) => n + stmt.run(id).changes, 0))();
  }

  clear(): number {
    return this.#db.prepare('DELETE FROM history').run().changes;
  }
}

function dedupe(rows: HistoryRow[]): HistoryRow[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

function toEntry(r: HistoryRow): HistoryEntry {
  return {
    id: r.id,
    text: r.text,
    createdAt: r.created_at,
    durationMs: r.duration_ms,
    model: r.model,
    mode: r.mode,
    segments: JSON.parse(r.segments) as TranscriptSegment[],
  };
}

/**
 * Turns what a user types into a safe FTS5 query: every word is a quoted prefix term, all must
 * match. FTS5 syntax characters in the input are never interpreted (no query errors, no
 * column filters). Undefined when there is nothing to search for.
 */
export function ftsQuery(search: string): string | undefined {
  const words = search.match(/[\p{L}\p{N}_']+/gu) ?? [];
  const terms = words.map((w) => w.replace(/^'+|'+$/g, '')).filter((w) => w !== '');
  if (terms.length === 0) return undefined;
  return terms.map((w) => `"${w.replaceAll('"', '""')}"*`).join(' ');
}
