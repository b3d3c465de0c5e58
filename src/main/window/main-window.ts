import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { hardenWebContents, type OwnPagePredicate } from './web-security.ts';

/** The renderer runs with no Node, isolated from the preload, in Chromium's sandbox. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // Dictation keeps running while the window is hidden in the tray.
    backgroundThrottling: false,
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  /** `file://…/renderer/index.html` packaged, or the dev server's URL. */
  rendererUrl: string;
  isOwnPage: OwnPagePredicate;
  icon?: string;
}

type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** Creates the app window, hardened before anything loads; shown once it has painted. */
export function createMainWindow(BrowserWindowCtor: BrowserWindowClass, o: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindowCtor({
    width: 960,
    height: 720,
    minWidth: 480,
    minHeight: 400,
    show: false,
    title: 'Earshot',
    icon: o.icon,
    webPreferences: secureWebPreferences(o.preloadPath),
  });
  hardenWebContents(win.webContents, o.isOwnPage);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(o.rendererUrl);
  return win;
}
