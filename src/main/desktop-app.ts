import { writeFile } from 'node:fs/promises';
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  session,
  Tray,
  type IpcMainInvokeEvent,
} from 'electron';
import type { EngineStatus, GatewayEndpoint, HotkeyEvent } from '../shared/ipc-contract.ts';
import type { Settings } from '../shared/settings.ts';
import { EmbeddedGateway, resolveEndpoint, type ServerStarter } from './gateway/embedded-gateway.ts';
import { LocalEngine } from './gateway/local-engine.ts';
import { HotkeyManager } from './hotkey-manager.ts';
import { GlobalKeyHook } from './hotkeys/global-key-hook.ts';
import { detectPasteStrategy } from './insertion/detect-paste-strategy.ts';
import { ElectronClipboard } from './insertion/electron-clipboard.ts';
import { TextInserter } from './insertion/text-inserter.ts';
import { createDesktopApi } from './ipc/desktop-api.ts';
import { EventSink } from './ipc/event-sink.ts';
import { registerIpcHandlers } from './ipc/ipc-router.ts';
import { DesktopModels, type ModelSource } from './models/desktop-models.ts';
import { recordDownloadedModel } from './models/downloaded-model-recorder.ts';
import { acquireSingleInstance } from './single-instance.ts';
import { openStore, type Store } from './store/open-store.ts';
import { DesktopTray } from './tray-menu.ts';
import { contentSecurityPolicy } from './window/content-security-policy.ts';
import { createMainWindow } from './window/main-window.ts';
import { hardenSession, ownPagePredicate } from './window/web-security.ts';

export interface DesktopAppConfig {
  /** Starts the embedded gateway + worker pool (serving's startLocalServer in the app). */
  startServer: ServerStarter;
  /** The model manager (serving's ModelStore in the app). */
  modelSource: ModelSource;
  /** The shipped model, used when the selected one is not installed. */
  fallbackModel: string;
  preloadPath: string;
  /** `file://…/index.html` when packaged, the dev server's URL in development. */
  rendererUrl: string;
  trayIconPath: string;
  databasePath: string;
  /** Development (Vite dev server): no CSP header, the dev server needs inline scripts. */
  development: boolean;
  /** Picks the GPU providers of the `gpu` setting; default process.platform. */
  platform?: NodeJS.Platform;
  log?: (message: string, err?: unknown) => void;
}

export interface DesktopApp {
  readonly store: Store;
  readonly gateway: EmbeddedGateway;
  readonly engine: LocalEngine;
  readonly tray: DesktopTray;
  readonly hotkeys: HotkeyManager;
  window(): BrowserWindow | undefined;
  endpoint(): GatewayEndpoint;
  quit(): Promise<void>;
}

/**
 * Composition root of the desktop app: builds every service and wires them together. Returns
 * undefined in a second instance (which hands over to the first and quits).
 */
export async function startDesktopApp(config: DesktopAppConfig): Promise<DesktopApp | undefined> {
  const log = config.log ?? ((m: string, e?: unknown) => console.error(`earshot: ${m}`, e ?? ''));
  let win: BrowserWindow | undefined;
  let quitting = false;
  const isOwnPage = ownPagePredicate(config.rendererUrl);

  const createWindow = (): BrowserWindow => {
    const w = createMainWindow(BrowserWindow, { preloadPath: config.preloadPath, rendererUrl: config.rendererUrl, isOwnPage });
    // Closing hides to the tray: dictation and the hotkey keep working.
    w.on('close', (event) => {
      if (!quitting) {
        event.preventDefault();
        w.hide();
      }
    });
    return w;
  };
  const showWindow = () => {
    if (!win || win.isDestroyed()) win = createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  if (!acquireSingleInstance(app, showWindow)) return undefined;
  await app.whenReady();

  const store = openStore(config.databasePath);
  const events = new EventSink();
  const gateway = new EmbeddedGateway(config.startServer);
  const models = new DesktopModels(config.modelSource, (p) => events.send('modelDownloadProgress', p), {
    onInstalled: (name) => recordDownloadedModel(name, config.modelSource, store.models),
    onRemoved: (name) => store.models.remove(name),
  });
  const detected = detectPasteStrategy({ platform: process.platform, env: process.env });
  const appClipboard = new ElectronClipboard(clipboard, ClipboardItem);
  const inserter = new TextInserter({
    clipboard: appClipboard,
    strategy: detected.strategy,
    unavailableNotice: detected.notice,
    isOwnAppFocused: () => win !== undefined && !win.isDestroyed() && win.isFocused(),
    options: () => {
      const s = store.settings.get();
      return { mode: s.insertMode, restoreClipboard: s.restoreClipboard, restoreDelayMs: s.clipboardRestoreDelayMs };
    },
  });

  // The renderer owns the microphone and the dictation state; main only asks it to toggle.
  // The window is not focused for that: the text must go to the app the user is in.
  const requestDictation = (action: HotkeyEvent['action'], source: HotkeyEvent['source']) => {
    if (!win || win.isDestroyed()) win = createWindow();
    events.send('hotkey', { action, source });
  };
  // Hold-to-talk: the key hook (key-down and key-up) loads only once hold mode is switched on.
  const hotkeys = new HotkeyManager(globalShortcut, (action) => requestDictation(action, 'hotkey'), {
    keyHook: new GlobalKeyHook(),
  });
  const hotkeySettings = (s: Settings) => ({ accelerator: s.toggleHotkey, holdToTalk: s.holdToTalk });

  // In cluster mode the cluster picks model and provider: the UI shows 'remote'.
  const engineStatus = (s: Settings = store.settings.get()): EngineStatus =>
    s.engineMode === 'remote' ? { state: 'remote', requestedProvider: s.executionProvider, gpuFallback: false } : engine.status();
  const engine = new LocalEngine({
    gateway,
    resolveModel: (name) => models.resolve(name),
    fallbackModel: config.fallbackModel,
    onStatus: () => events.send('engineStatus', engineStatus()),
    platform: config.platform,
    log,
  });
  const startLocalEngine = (s: Settings) => engine.start(s.activeModel, s.executionProvider);
  const endpoint = () => resolveEndpoint(store.settings.get(), () => gateway.endpoint());
  const announceEndpoint = () => {
    try {
      events.send('endpointChanged', endpoint());
    } catch (err) {
      log('no endpoint to announce', err);
    }
  };

  const applySettings = async (previous: Settings, next: Settings) => {
    if (next.toggleHotkey !== previous.toggleHotkey || next.holdToTalk !== previous.holdToTalk) {
      events.send('hotkeyStatus', await hotkeys.configure(hotkeySettings(next)));
    }
    if (next.startOnLogin !== previous.startOnLogin) app.setLoginItemSettings({ openAtLogin: next.startOnLogin });
    const endpointChanged =
      next.engineMode !== previous.engineMode || next.remoteUrl !== previous.remoteUrl || next.remoteToken !== previous.remoteToken;
    // A provider change restarts the engine like a model switch: the port, so the endpoint, changes.
    const providerChanged = next.executionProvider !== previous.executionProvider && gateway.running;
    if (next.engineMode === 'local' && (!gateway.running || providerChanged)) await startLocalEngine(next);
    // In cluster mode the local engine would only hold memory and threads.
    if (next.engineMode === 'remote' && gateway.running) await engine.stop();
    if (next.engineMode !== previous.engineMode) events.send('engineStatus', engineStatus(next));
    if (endpointChanged || (providerChanged && next.engineMode === 'local')) announceEndpoint();
  };

  const csp = contentSecurityPolicy();
  hardenSession(session.defaultSession, isOwnPage, config.development ? undefined : csp);

  const isTrustedSender = (e: IpcMainInvokeEvent) =>
    win !== undefined && !win.isDestroyed() && e.sender === win.webContents && isOwnPage(e.senderFrame?.url ?? '');

  const tray = new DesktopTray(
    { createTray: (icon) => new Tray(icon), buildMenu: (template) => Menu.buildFromTemplate(template) },
    nativeImage.createFromPath(config.trayIconPath),
    { show: showWindow, toggleDictation: () => requestDictation('toggle', 'tray'), quit: () => void quit() },
  );

  registerIpcHandlers(
    ipcMain,
    createDesktopApi({
      version: app.getVersion(),
      store,
      endpoint,
      models,
      inserter,
      clipboard: appClipboard,
      events,
      hotkeyStatus: () => hotkeys.checkedStatus(),
      saveExport: async (suggestedName, content) => {
        const options = { defaultPath: suggestedName };
        const r = win && !win.isDestroyed() ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
        if (r.canceled || !r.filePath) return undefined;
        await writeFile(r.filePath, content, 'utf8');
        return r.filePath;
      },
      applySettings,
      switchModel: async (name, dir) => {
        const s = store.settings.get();
        if (s.engineMode !== 'local') return;
        try {
          await engine.switchModel(name, dir, s.executionProvider);
        } catch (err) {
          // Keep dictation working: back to the model that ran before, then report the failure.
          await startLocalEngine(s).catch((e: unknown) => log('the previous model did not start again', e));
          announceEndpoint();
          throw err;
        }
        announceEndpoint();
      },
      engineStatus: () => engineStatus(),
      setDictationActive: async (active) => {
        tray.setDictating(active);
        if (active) await inserter.beginDictation();
        else {
          inserter.endDictation();
          hotkeys.dictationEnded();
        }
      },
    }),
    isTrustedSender,
  );

  const initial = store.settings.get();
  // The shortcut registers now; hold mode's hook starts in the background and reports its status.
  void hotkeys.configure(hotkeySettings(initial)).then(
    (s) => {
      if (initial.holdToTalk) events.send('hotkeyStatus', s);
    },
    (err: unknown) => log('the hotkey could not be set up', err),
  );
  if (initial.engineMode === 'local') {
    // The window opens while the engine starts; getEndpoint answers WorkerFailed until it runs.
    void startLocalEngine(initial).then(announceEndpoint, (err: unknown) => log('the local engine did not start', err));
  }

  win = createWindow();
  events.attach(() => (win && !win.isDestroyed() ? win.webContents : undefined));

  let closing: Promise<void> | undefined;
  const quit = (): Promise<void> => {
    closing ??= (async () => {
      quitting = true;
      hotkeys.close();
      globalShortcut.unregisterAll();
      models.cancelAll();
      tray.destroy();
      await engine.stop().catch((err: unknown) => log('engine shutdown failed', err));
      store.close();
      app.quit();
    })();
    return closing;
  };
  app.on('before-quit', (event) => {
    if (!quitting) {
      event.preventDefault();
      void quit();
    }
  });
  // A tray app: closing the last window does not quit.
  app.on('window-all-closed', () => {});
  app.on('activate', showWindow);

  return { store, gateway, engine, tray, hotkeys, window: () => win, endpoint, quit };
}
