import { historyQuerySchema, newHistoryEntrySchema, type HistoryEntry, type HistoryPage, type HistoryQuery, type NewHistoryEntry } from '../../../shared/history-entry.ts';
import { AsrError } from '../../../shared/errors.ts';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import { searchHistory } from './history-search.ts';

const KEY = 'earshot.history.v1';

interface Stored {
  nextId: number;
  entries: HistoryEntry[];
}

/**
 * The web UI's history, in the browser's localStorage (about 5 MB per origin): simple and
 * synchronous, fine for thousands of dictations, but per browser profile and not shared with
 * the desktop app. When the quota is reached the oldest entries are evicted (and counted).
 */
export class WebHistoryStore {
  /** Entries evicted so far to make room; the UI tells the user. */
  evicted = 0;

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 5000,
  ) {}

  list(query: HistoryQuery): HistoryPage {
    const q = parse(historyQuerySchema, query);
    return searchHistory(this.load().entries, q.search, q.limit, q.offset);
  }

  get(ids?: readonly number[]): HistoryEntry[] {
    const all = this.load().entries;
    if (!ids) return all;
    const wanted = new Set(ids);
    return all.filter((e) => wanted.has(e.id));
  }

  add(input: NewHistoryEntry): HistoryEntry {
    const e = parse(newHistoryEntrySchema, input);
    const data = this.load();
    const entry: HistoryEntry = {
      id: data.nextId,
      text: e.text,
      createdAt: e.createdAt ?? this.now(),
      durationMs: e.durationMs,
      model: e.model,
      mode: e.mode,
      segments: e.segments,
    };
    data.nextId++;
    data.entries.push(entry);
    this.evictOverflow(data, data.entries.length - this.maxEntries);
    this.save(data);
    return entry;
  }

  delete(ids: readonly number[]): number {
    const data = this.load();
    const gone = new Set(ids);
    const before = data.entries.length;
    data.entries = data.entries.filter((e) => !gone.has(e.id));
    this.save(data);
    return before - data.entries.length;
  }

  clear(): number {
    const data = this.load();
    const n = data.entries.length;
    data.entries = [];
    this.save(data);
    return n;
  }

  private load(): Stored {
    const raw = this.storage.getItem(KEY);
    if (!raw) return { nextId: 1, entries: [] };
    try {
      const data = JSON.parse(raw) as Stored;
      if (Number.isInteger(data.nextId) && Array.isArray(data.entries)) return data;
    } catch {
      // fall through
    }
    throw new AsrError(ErrorCode.Internal, 'the stored history is damaged; clear it to continue');
  }

  private save(data: Stored): void {
    for (;;) {
      try {
        this.storage.setItem(KEY, JSON.stringify(data));
        return;
      } catch (err) {
        // Quota reached: drop the oldest tenth and retry, but never the entry just added.
        if (data.entries.length <= 1) throw new AsrError(ErrorCode.BufferOverflow, 'browser storage is full', { cause: err });
        this.evictOverflow(data, Math.max(1, Math.floor(data.entries.length / 10)));
      }
    }
  }

  private evictOverflow(data: Stored, count: number): void {
    if (count <= 0) return;
    this.evicted += data.entries.splice(0, Math.min(count, data.entries.length - 1)).length;
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AsrError(ErrorCode.BadRequest, r.error.message);
  return r.data;
}
