import { memo, useCallback, useEffect, useState, type JSX } from 'react';
import type { EarshotApi, ModelDownloadProgress, ModelInfo } from '../../../shared/ipc-contract.ts';
import { errorMessage } from './error-message.ts';

function formatBytes(n: number): string {
  if (n <= 0) return 'size unknown';
  const mb = n / 1_000_000;
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb.toFixed(mb < 10 ? 1 : 0)} MB`;
}

function ProgressRow({ p, onCancel }: { p: ModelDownloadProgress; onCancel(): void }): JSX.Element {
  const pct = p.totalBytes > 0 ? Math.round((p.receivedBytes / p.totalBytes) * 100) : undefined;
  const busy = p.state === 'downloading' || p.state === 'verifying';
  return (
    <div className="download">
      <progress max={100} value={pct} aria-label={`Download of ${p.name}`} />
      <span>
        {p.state === 'verifying' ? 'Verifying checksum…' : p.state === 'downloading' ? `${pct ?? '?'} % of ${formatBytes(p.totalBytes)}` : p.state}
        {p.error && ` — ${p.error.message} (${p.error.code})`}
      </span>
      {busy && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

/** The model catalog: install (download with progress, cancel), choose the active model. */
function ModelManagerImpl({ api, canManage }: { api: EarshotApi; canManage: boolean }): JSX.Element {
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [progress, setProgress] = useState<Record<string, ModelDownloadProgress>>({});
  const [message, setMessage] = useState('');

  const refresh = useCallback(async () => {
    try {
      setModels(await api.listModels());
    } catch (err) {
      setMessage(errorMessage(err));
    }
  }, [api]);

  useEffect(() => {
    void refresh();
    return api.on('modelDownloadProgress', (p) => {
      setProgress((prev) => ({ ...prev, [p.name]: p }));
      if (p.state === 'done') void refresh();
    });
  }, [api, refresh]);

  const act = async (what: () => Promise<unknown>) => {
    setMessage('');
    try {
      await what();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  return (
    <div className="model-manager">
      {!canManage && (
        <p className="message message-notice">
          This page shows the models of the server you are connected to. Downloading and switching models is available in the desktop app only.
        </p>
      )}
      <p className="muted" role="status" aria-live="polite">
        {message}
      </p>
      <ul className="model-list" data-testid="model-list">
        {models.map((m) => {
          const p = progress[m.name];
          const downloading = p && (p.state === 'downloading' || p.state === 'verifying');
          return (
            <li key={m.name} className={`model ${m.active ? 'is-active' : ''}`}>
              <div className="model-head">
                <strong>{m.name}</strong>
                <span className="muted">
                  {m.language || 'language unknown'} · {formatBytes(m.sizeBytes)} · {m.builtin ? 'built in' : m.installed ? 'installed' : 'not installed'}
                  {m.active && ' · active'}
                </span>
              </div>
              {m.description && <p className="model-description">{m.description}</p>}
              {canManage && (
                <div className="model-actions">
                  {m.installed && !m.active && (
                    <button type="button" onClick={() => void act(async () => setModels(await api.selectModel(m.name)))}>
                      Use this model
                    </button>
                  )}
                  {!m.installed && !downloading && (
                    <button type="button" onClick={() => void act(() => api.downloadModel(m.name))}>
                      Download
                    </button>
                  )}
                </div>
              )}
              {p && <ProgressRow p={p} onCancel={() => void act(() => api.cancelModelDownload(m.name))} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Memoized: dictation updates (levels, partials) re-render the app many times a second. */
export const ModelManager = memo(ModelManagerImpl);
