import { memo, useCallback, useEffect, useState, type JSX } from 'react';
import type { EarshotApi, ExportFormat, HistoryEntry } from '../../../shared/ipc-contract.ts';
import { errorMessage } from './error-message.ts';

const PAGE = 50;
const FORMATS: readonly ExportFormat[] = ['txt', 'srt', 'vtt', 'json'];

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Past dictations: full-text search, copy, delete, export. */
function HistoryViewImpl({ api, refreshKey }: { api: EarshotApi; refreshKey: unknown }): JSX.Element {
  const [search, setSearch] = useState('');
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [format, setFormat] = useState<ExportFormat>('txt');
  const [message, setMessage] = useState('');

  const load = useCallback(
    async (offset: number) => {
      try {
        const page = await api.listHistory({ search, limit: PAGE, offset });
        setEntries((prev) => (offset === 0 ? page.entries : [...prev, ...page.entries]));
        setTotal(page.total);
      } catch (err) {
        setMessage(errorMessage(err));
      }
    },
    [api, search],
  );

  useEffect(() => {
    // Debounced so typing does not query on every key.
    const timer = setTimeout(() => void load(0), 150);
    return () => clearTimeout(timer);
  }, [load, refreshKey]);

  const act = async (what: () => Promise<string>) => {
    try {
      setMessage(await what());
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  const remove = (id: number) =>
    act(async () => {
      await api.deleteHistory([id]);
      await load(0);
      return 'Deleted.';
    });

  const exportEntries = () =>
    act(async () => {
      const r = await api.exportHistory({ format, ...(search.trim() !== '' && { ids: entries.map((e) => e.id) }) });
      return r.saved ? `Exported ${r.count} dictation${r.count === 1 ? '' : 's'}${r.path ? ` to ${r.path}` : ''}.` : 'Export canceled.';
    });

  return (
    <div className="history-view">
      <div className="history-toolbar">
        <label className="field grow">
          <span>Search history</span>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Words or beginnings of words" data-testid="history-search" />
        </label>
        <label className="field">
          <span>Export format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void exportEntries()} disabled={entries.length === 0}>
          {search.trim() !== '' ? 'Export results' : 'Export all'}
        </button>
      </div>
      <p className="muted" role="status" aria-live="polite">
        {message || `${total} dictation${total === 1 ? '' : 's'}${search.trim() ? ' match' : ''}`}
      </p>
      <ol className="history-list" data-testid="history-list">
        {entries.map((e) => (
          <li key={e.id} className="history-entry" data-testid="history-entry">
            <div className="history-meta">
              <time dateTime={new Date(e.createdAt).toISOString()}>{new Date(e.createdAt).toLocaleString()}</time>
              <span>{formatDuration(e.durationMs)}</span>
              <span>{e.model}</span>
              <span>{e.mode === 'remote' ? 'team cluster' : 'local'}</span>
            </div>
            <p className="history-text">{e.text}</p>
            <div className="history-actions">
              <button type="button" onClick={() => void act(async () => (await api.copyText(e.text), 'Copied.'))}>
                Copy
              </button>
              <button type="button" className="danger" onClick={() => void remove(e.id)} aria-label={`Delete dictation from ${new Date(e.createdAt).toLocaleString()}`}>
                Delete
              </button>
            </div>
          </li>
        ))}
      </ol>
      {entries.length < total && (
        <button type="button" onClick={() => void load(entries.length)}>
          Show more
        </button>
      )}
    </div>
  );
}

/** Memoized: dictation updates (levels, partials) re-render the app many times a second. */
export const HistoryView = memo(HistoryViewImpl);
