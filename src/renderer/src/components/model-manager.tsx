import { memo, useCallback, useEffect, useState, type JSX } from 'react';
import type { EarshotApi, EngineStatus, ModelDownloadProgress, ModelInfo } from '../../../shared/ipc-contract.ts';
import type { ExecutionProvider, Settings, SettingsPatch } from '../../../shared/settings.ts';
import { describeEngineStatus } from '../models/engine-status-text.ts';
import { isDownloading, modelRowActions } from '../models/model-row-actions.ts';
import { errorMessage } from './error-message.ts';

function formatBytes(n: number): string {
  if (n <= 0) return 'size unknown';
  const mb = n / 1_000_000;
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb.toFixed(mb < 10 ? 1 : 0)} MB`;
}

function ProgressRow({ p, onCancel }: { p: ModelDownloadProgress; onCancel(): void }): JSX.Element {
  const pct = p.totalBytes > 0 ? Math.round((p.receivedBytes / p.totalBytes) * 100) : undefined;
  return (
    <div className="download">
      <progress max={100} value={pct} aria-label={`Download of ${p.name}`} />
      <span>
        {p.state === 'verifying' ? 'Verifying checksum…' : p.state === 'downloading' ? `${pct ?? '?'} % of ${formatBytes(p.totalBytes)}` : p.state}
        {p.error && ` — ${p.error.message} (${p.error.code})`}
      </span>
      {isDownloading(p) && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

/** Asks before deleting; focus lands on the safe answer, Escape keeps the model. */
function ConfirmDelete({ name, onConfirm, onKeep }: { name: string; onConfirm(): void; onKeep(): void }): JSX.Element {
  return (
    <div className="model-actions confirm" role="group" aria-label={`Delete ${name}?`} onKeyDown={(e) => e.key === 'Escape' && onKeep()}>
      <span>Delete {name} from this computer? You can download it again later.</span>
      <button type="button" className="danger" onClick={onConfirm}>
        Delete
      </button>
      <button type="button" autoFocus onClick={onKeep}>
        Keep
      </button>
    </div>
  );
}

/** CPU/GPU choice for the local engine, and the provider it really runs on. */
function ExecutionChoice({ api, settings, canManage, onPatch }: { api: EarshotApi; settings: Settings; canManage: boolean; onPatch(p: SettingsPatch): Promise<boolean> }): JSX.Element {
  const [status, setStatus] = useState<EngineStatus | undefined>();
  useEffect(() => {
    void api.getEngineStatus().then(setStatus, () => undefined);
    return api.on('engineStatus', setStatus);
  }, [api]);
  const local = canManage && settings.engineMode === 'local';
  const described = status && describeEngineStatus(status);
  const choose = (v: ExecutionProvider) => void onPatch({ executionProvider: v });
  return (
    <fieldset className="execution">
      <legend>Run the model on</legend>
      <label className="radio">
        <input type="radio" name="execution-provider" value="cpu" checked={settings.executionProvider === 'cpu'} disabled={!local} onChange={() => choose('cpu')} />
        <span>CPU — works everywhere</span>
      </label>
      <label className="radio">
        <input type="radio" name="execution-provider" value="gpu" checked={settings.executionProvider === 'gpu'} disabled={!local} onChange={() => choose('gpu')} />
        <span>GPU when available — falls back to the CPU by itself</span>
      </label>
      {described && (
        <p className={described.notice ? 'message message-notice' : 'muted'} role="status" aria-live="polite" data-testid="engine-status">
          {described.text}
        </p>
      )}
    </fieldset>
  );
}

/** The model catalog: install (download with progress, cancel), delete, choose the active model and the hardware. */
function ModelManagerImpl({ api, canManage, settings, onPatch }: { api: EarshotApi; canManage: boolean; settings: Settings; onPatch(p: SettingsPatch): Promise<boolean> }): JSX.Element {
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [progress, setProgress] = useState<Record<string, ModelDownloadProgress>>({});
  const [confirming, setConfirming] = useState<string | undefined>();
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

  const remove = (name: string) =>
    act(async () => {
      setConfirming(undefined);
      setModels(await api.deleteModel(name));
      setProgress(({ [name]: _gone, ...rest }) => rest);
      setMessage(`Deleted ${name}.`);
    });

  return (
    <div className="model-manager">
      {!canManage && (
        <p className="message message-notice">
          This page shows the models of the server you are connected to. Downloading and switching models is available in the desktop app only.
        </p>
      )}
      <ExecutionChoice api={api} settings={settings} canManage={canManage} onPatch={onPatch} />
      <p className="muted" role="status" aria-live="polite">
        {message}
      </p>
      <ul className="model-list" data-testid="model-list">
        {models.map((m) => {
          const p = progress[m.name];
          const can = modelRowActions(m, p, canManage);
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
              {confirming === m.name ? (
                <ConfirmDelete name={m.name} onConfirm={() => void remove(m.name)} onKeep={() => setConfirming(undefined)} />
              ) : (
                canManage && (
                  <div className="model-actions">
                    {can.select && (
                      <button type="button" onClick={() => void act(async () => setModels(await api.selectModel(m.name)))}>
                        Use this model
                      </button>
                    )}
                    {can.download && (
                      <button type="button" onClick={() => void act(() => api.downloadModel(m.name))}>
                        Download
                      </button>
                    )}
                    {can.delete && (
                      <button type="button" className="danger" aria-label={`Delete ${m.name}`} onClick={() => setConfirming(m.name)}>
                        Delete
                      </button>
                    )}
                    {can.deleteBlocked && <span className="muted">{can.deleteBlocked}</span>}
                  </div>
                )
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
