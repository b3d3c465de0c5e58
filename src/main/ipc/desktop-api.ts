import type { HistoryEntry } from '../../shared/history-entry.ts';
import type { EngineStatus, ExportResult, GatewayEndpoint, HotkeyStatus } from '../../shared/ipc-contract.ts';
import { validateEndpointSettings, type Settings } from '../../shared/settings.ts';
import { exportFileName, exportTranscript } from '../../shared/transcript-export.ts';
import type { Clipboard } from '../insertion/clipboard.ts';
import type { TextInserter } from '../insertion/text-inserter.ts';
import type { DesktopModels } from '../models/desktop-models.ts';
import type { Store } from '../store/open-store.ts';
import type { EventSink } from './event-sink.ts';
import type { IpcHandlers } from './ipc-router.ts';

export interface DesktopApiDeps {
  version: string;
  store: Pick<Store, 'history' | 'settings'>;
  endpoint(): GatewayEndpoint;
  models: DesktopModels;
  inserter: TextInserter;
  clipboard: Clipboard;
  events: EventSink;
  /** The hotkey's status, hold-to-talk availability checked (a probe the first time). */
  hotkeyStatus(): HotkeyStatus | Promise<HotkeyStatus>;
  /** Shows a save dialog and writes the file; undefined when the user cancels. */
  saveExport(suggestedName: string, content: string): Promise<string | undefined>;
  /** Side effects of a settings change (hotkey, login item, engine, endpoint). */
  applySettings(previous: Settings, next: Settings): Promise<void>;
  /** Restarts the local engine on another model. */
  switchModel(name: string, dir: string): Promise<void>;
  engineStatus(): EngineStatus;
  setDictationActive(active: boolean): Promise<void>;
  now?: () => Date;
}

/** The main-process side of every IPC method; arguments arrive validated by the router. */
export function createDesktopApi(d: DesktopApiDeps): IpcHandlers {
  const now = d.now ?? (() => new Date());
  const settings = () => d.store.settings.get();
  return {
    getVersion: () => d.version,
    getEndpoint: () => d.endpoint(),
    getSettings: () => settings(),

    async setSettings(patch) {
      const previous = settings();
      // Check the combination before storing anything (e.g. cluster mode needs a URL).
      validateEndpointSettings({ ...previous, ...patch });
      const next = d.store.settings.update(patch);
      await d.applySettings(previous, next);
      d.events.send('settingsChanged', next);
      return next;
    },

    listHistory: (query) => d.store.history.list(query),
    addHistory: (entry) => (settings().saveHistory ? d.store.history.add(entry) : null),
    deleteHistory: (ids) => d.store.history.delete(ids),
    clearHistory: () => d.store.history.clear(),

    async exportHistory({ format, ids }): Promise<ExportResult> {
      const entries: HistoryEntry[] = ids ? d.store.history.getMany(ids) : d.store.history.all();
      const path = await d.saveExport(exportFileName(format, now()), exportTranscript(entries, format));
      return path === undefined ? { saved: false, count: entries.length } : { saved: true, path, count: entries.length };
    },

    copyText: (text) => d.clipboard.writeText(text),

    listModels: () => d.models.list(settings().activeModel),

    async selectModel(name) {
      const dir = await d.models.resolve(name);
      const previous = settings();
      if (previous.activeModel !== name) {
        await d.switchModel(name, dir);
        const next = d.store.settings.update({ activeModel: name });
        d.events.send('settingsChanged', next);
      }
      return d.models.list(name);
    },

    downloadModel: (name) => d.models.download(name),
    cancelModelDownload: (name) => d.models.cancel(name),

    async deleteModel(name) {
      const active = settings().activeModel;
      await d.models.remove(name, active);
      return d.models.list(active);
    },

    getEngineStatus: () => d.engineStatus(),

    setDictationActive: (active) => d.setDictationActive(active),

    async insertText(text, options) {
      const result = await d.inserter.insert(text, options?.deleteBefore ?? 0);
      d.events.send('insertionResult', result);
      return result;
    },

    getInsertionCapability: () => d.inserter.capability(),
    getHotkeyStatus: () => d.hotkeyStatus(),
  };
}
