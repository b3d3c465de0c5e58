import type { EarshotApi } from '../../../shared/ipc-contract.ts';
import { createElectronPlatform } from './electron-platform.ts';
import type { Platform } from './platform.ts';
import { createWebPlatform } from './web-platform.ts';

declare global {
  interface Window {
    /** Present only inside the desktop app (exposed by the preload). */
    earshot?: EarshotApi;
  }
}

/** Electron when the preload exposed `window.earshot`, the web page otherwise. */
export function selectPlatform(win: Window = window): Platform {
  return win.earshot ? createElectronPlatform(win.earshot) : createWebPlatform(win);
}
