import { AsrError } from '../../../shared/errors.ts';
import type {
  EarshotApi,
  EarshotEventName,
  EarshotEvents,
  EngineStatus,
  ExportRequest,
  GatewayEndpoint,
  HotkeyStatus,
  InsertionCapability,
  InsertionResult,
  ModelInfo,
} from '../../../shared/ipc-contract.ts';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type { Settings } from '../../../shared/settings.ts';
import { EXPORT_MIME_TYPES, exportFileName, exportTranscript } from '../../../shared/transcript-export.ts';
import { WebHistoryStore } from '../history/web-history-store.ts';
import { parseModelCatalog } from '../models/model-catalog.ts';
import { WebSettingsStore } from '../settings/web-settings-store.ts';
import type { Platform } from './platform.ts';

const DESKTOP_ONLY = 'available in the desktop app only';

/** The endpoint of the page's own server, with the token the page was opened with (`?token=`). */
export function sameOriginEndpoint(location: Location | URL): GatewayEndpoint {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const token = new URLSearchParams(location.search).get('token') ?? '';
  return { url: `${scheme}://${location.host}`, token, mode: 'local' };
}

/** Endpoint from settings: a team cluster when configured, otherwise the server of this page. */
export function webEndpoint(settings: Settings, location: Location | URL): GatewayEndpoint {
  if (settings.engineMode === 'remote' && settings.remoteUrl !== '') {
    return { url: settings.remoteUrl, token: settings.remoteToken, mode: 'remote' };
  }
  return sameOriginEndpoint(location);
}

type AnyListener = (payload: never) => void;

/**
 * The web page served by `earshot serve`: history and settings in localStorage, the gateway
 * of the same origin, the server's model catalog read-only; no insertion, hotkeys or downloads.
 */
export function createWebPlatform(win: Window): Platform {
  const history = new WebHistoryStore(win.localStorage);
  const settings = new WebSettingsStore(win.localStorage);
  const listeners = new Map<EarshotEventName, Set<AnyListener>>();
  const emit = <K extends EarshotEventName>(event: K, payload: EarshotEvents[K]) => {
    for (const l of listeners.get(event) ?? []) (l as (p: EarshotEvents[K]) => void)(payload);
  };
  const settingsChanged = (s: Settings) => {
    emit('settingsChanged', s);
    emit('endpointChanged', webEndpoint(s, win.location));
  };
  // Another tab of the same origin changed the settings.
  win.addEventListener('storage', (ev) => {
    if (ev.key === WebSettingsStore.key) settingsChanged(settings.get());
  });

  const api: EarshotApi = {
    getVersion: async () => 'web',
    getEndpoint: async () => webEndpoint(settings.get(), win.location),
    getSettings: async () => settings.get(),
    setSettings: async (patch) => {
      const next = settings.set(patch);
      settingsChanged(next);
      return next;
    },
    listHistory: async (query) => history.list(query),
    addHistory: async (entry) => (settings.get().saveHistory ? history.add(entry) : null),
    deleteHistory: async (ids) => history.delete(ids),
    clearHistory: async () => history.clear(),
    exportHistory: async (request: ExportRequest) => {
      const entries = history.get(request.ids).sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
      const blob = new Blob([exportTranscript(entries, request.format)], { type: EXPORT_MIME_TYPES[request.format] });
      const url = URL.createObjectURL(blob);
      const name = exportFileName(request.format, new Date());
      const a = win.document.createElement('a');
      a.href = url;
      a.download = name;
      win.document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return { saved: true, path: name, count: entries.length };
    },
    copyText: async (text) => {
      try {
        await win.navigator.clipboard.writeText(text);
      } catch (err) {
        throw new AsrError(ErrorCode.Internal, 'the browser refused clipboard access', { cause: err });
      }
    },
    listModels: async () => {
      const res = await win.fetch(new URL('models/catalog.json', win.location.href));
      if (!res.ok) throw new AsrError(ErrorCode.ModelNotFound, `this server does not publish its model catalog (HTTP ${res.status})`);
      return parseModelCatalog(await res.json(), settings.get().activeModel);
    },
    selectModel: async (): Promise<ModelInfo[]> => {
      throw new AsrError(ErrorCode.BadRequest, `the server chooses its model; switching models is ${DESKTOP_ONLY}`);
    },
    downloadModel: async () => {
      throw new AsrError(ErrorCode.Download, `model downloads are ${DESKTOP_ONLY}`);
    },
    cancelModelDownload: async () => {
      throw new AsrError(ErrorCode.Download, `model downloads are ${DESKTOP_ONLY}`);
    },
    deleteModel: async (): Promise<ModelInfo[]> => {
      throw new AsrError(ErrorCode.BadRequest, `the server keeps its models; deleting models is ${DESKTOP_ONLY}`);
    },
    // The page's server (or the team cluster) runs the engine and picks its provider.
    getEngineStatus: async (): Promise<EngineStatus> => ({ state: 'remote', requestedProvider: settings.get().executionProvider, gpuFallback: false }),
    setDictationActive: async () => undefined,
    insertText: async (text): Promise<InsertionResult> => ({
      outcome: 'skipped',
      strategy: 'web',
      text,
      reason: 'copy-mode',
      notice: `Inserting into other applications is ${DESKTOP_ONLY}; copy the text from here.`,
    }),
    getInsertionCapability: async (): Promise<InsertionCapability> => ({
      strategy: 'web',
      canPaste: false,
      notice: `Inserting into other applications is ${DESKTOP_ONLY}.`,
    }),
    getHotkeyStatus: async (): Promise<HotkeyStatus> => ({
      accelerator: settings.get().toggleHotkey,
      registered: false,
      holdToTalkAvailable: false,
      error: `Global hotkeys are ${DESKTOP_ONLY}.`,
    }),
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as AnyListener;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  };
  return { kind: 'web', api, capabilities: { manageModels: false, insertText: false, systemIntegration: false } };
}
