import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type JSX } from 'react';
import type { Settings, SettingsPatch } from '../../shared/settings.ts';
import type { WebSocketLike } from '../../shared/protocol/listen-client.ts';
import { startMicrophoneCapture } from './audio/microphone-capture.ts';
import { ConnectionIndicator } from './components/connection-indicator.tsx';
import { DictateView } from './components/dictate-view.tsx';
import { errorMessage } from './components/error-message.ts';
import { HistoryView } from './components/history-view.tsx';
import { ModelManager } from './components/model-manager.tsx';
import { SettingsView } from './components/settings-view.tsx';
import { TabBar, type Tab } from './components/tab-bar.tsx';
import { ThemeToggle } from './components/theme-toggle.tsx';
import { DictationController } from './dictation/dictation-controller.ts';
import type { Platform } from './platform/platform.ts';

type View = 'dictate' | 'history' | 'models' | 'settings';
const TABS: readonly Tab<View>[] = [
  { id: 'dictate', label: 'Dictate' },
  { id: 'history', label: 'History' },
  { id: 'models', label: 'Models' },
  { id: 'settings', label: 'Settings' },
];
const DEVICE_KEY = 'earshot.inputDevice';

const browserSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;

/** Composition root of the UI: one platform, one dictation controller, four views. */
export function App({ platform }: { platform: Platform }): JSX.Element {
  const { api } = platform;
  const controller = useMemo(
    () => new DictationController({ api, insertFinals: platform.capabilities.insertText, startAudio: startMicrophoneCapture, createSocket: browserSocket }),
    [api, platform.capabilities.insertText],
  );
  const dictation = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [settings, setSettings] = useState<Settings | undefined>();
  const [view, setView] = useState<View>('dictate');
  const [deviceId, setDeviceId] = useState(() => localStorage.getItem(DEVICE_KEY) ?? '');
  const [message, setMessage] = useState('');
  const [historyVersion, setHistoryVersion] = useState(0);

  useEffect(() => {
    void api.getSettings().then(setSettings, (err: unknown) => setMessage(errorMessage(err)));
    return api.on('settingsChanged', setSettings);
  }, [api]);

  // A finished dictation lands in the history: refresh that view.
  useEffect(() => {
    if (dictation.phase === 'idle') setHistoryVersion((v) => v + 1);
  }, [dictation.phase]);

  const toggle = useCallback(() => {
    if (settings) void controller.toggle(settings, deviceId || undefined);
  }, [controller, settings, deviceId]);

  useEffect(
    () =>
      api.on('hotkey', (e) => {
        if (!settings) return;
        if (e.action === 'toggle') void controller.toggle(settings, deviceId || undefined);
        else if (e.action === 'hold-start') void controller.start(settings, deviceId || undefined);
        else void controller.stop();
      }),
    [api, controller, settings, deviceId],
  );

  const patch = useCallback(
    async (p: SettingsPatch) => {
      try {
        setSettings(await api.setSettings(p));
        setMessage('');
        return true;
      } catch (err) {
        setMessage(errorMessage(err));
        return false;
      }
    },
    [api],
  );

  const copy = (text: string) => void api.copyText(text).then(() => setMessage('Copied.'), (err: unknown) => setMessage(errorMessage(err)));

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <h1>Earshot</h1>
        <ConnectionIndicator status={dictation.connection} mode={settings?.engineMode ?? 'local'} />
        <ThemeToggle />
      </header>
      <TabBar<View> tabs={TABS} selected={view} onSelect={setView} />
      {message && (
        <p className="message message-notice" role="status">
          {message}
        </p>
      )}
      <main id="main">
        {!settings ? (
          <p data-testid="status">Loading…</p>
        ) : (
          TABS.map((t) => (
            <section key={t.id} role="tabpanel" id={`panel-${t.id}`} aria-labelledby={`tab-${t.id}`} hidden={view !== t.id} tabIndex={0}>
              {t.id === 'dictate' && (
                <DictateView
                  dictation={dictation}
                  deviceId={deviceId}
                  onDeviceChange={(id) => {
                    setDeviceId(id);
                    localStorage.setItem(DEVICE_KEY, id);
                  }}
                  onToggle={toggle}
                  onCopy={copy}
                  hotkey={platform.capabilities.systemIntegration ? settings.toggleHotkey : undefined}
                />
              )}
              {t.id === 'history' && view === 'history' && <HistoryView api={api} refreshKey={historyVersion} />}
              {t.id === 'models' && view === 'models' && <ModelManager api={api} canManage={platform.capabilities.manageModels} settings={settings} onPatch={patch} />}
              {t.id === 'settings' && <SettingsView api={api} settings={settings} desktop={platform.kind === 'electron'} onPatch={patch} />}
            </section>
          ))
        )}
      </main>
    </div>
  );
}
