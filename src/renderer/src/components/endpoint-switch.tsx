import { useEffect, useState, type JSX } from 'react';
import type { Settings, SettingsPatch } from '../../../shared/settings.ts';

/** Local engine or a team cluster (URL + token); applied together so a half-typed URL is never used. */
export function EndpointSwitch({ settings, onApply }: { settings: Settings; onApply(patch: SettingsPatch): Promise<boolean> }): JSX.Element {
  const [mode, setMode] = useState(settings.engineMode);
  const [url, setUrl] = useState(settings.remoteUrl);
  const [token, setToken] = useState(settings.remoteToken);
  useEffect(() => {
    setMode(settings.engineMode);
    setUrl(settings.remoteUrl);
    setToken(settings.remoteToken);
  }, [settings.engineMode, settings.remoteUrl, settings.remoteToken]);
  const dirty = mode !== settings.engineMode || url !== settings.remoteUrl || token !== settings.remoteToken;
  return (
    <fieldset className="endpoint-switch">
      <legend>Speech engine</legend>
      <label className="radio">
        <input type="radio" name="engine-mode" value="local" checked={mode === 'local'} onChange={() => setMode('local')} />
        Local engine <span className="muted">(this computer or the server of this page; audio stays here)</span>
      </label>
      <label className="radio">
        <input type="radio" name="engine-mode" value="remote" checked={mode === 'remote'} onChange={() => setMode('remote')} />
        Team cluster
      </label>
      <div className="endpoint-remote" hidden={mode !== 'remote'}>
        <label className="field">
          <span>Cluster URL</span>
          <input type="url" value={url} placeholder="wss://asr.example.com" onChange={(e) => setUrl(e.target.value.trim())} />
        </label>
        <label className="field">
          <span>Access token</span>
          <input type="password" value={token} autoComplete="off" onChange={(e) => setToken(e.target.value.trim())} />
        </label>
      </div>
      <button type="button" disabled={!dirty} onClick={() => void onApply({ engineMode: mode, remoteUrl: url, remoteToken: token })}>
        Apply
      </button>
    </fieldset>
  );
}
