import type { EarshotApi } from '../../../shared/ipc-contract.ts';

/** What the host can do beyond the shared API, so views can explain what is unavailable. */
export interface PlatformCapabilities {
  /** Models can be downloaded, selected and removed (desktop only). */
  manageModels: boolean;
  /** Finals are inserted into the focused application (desktop only). */
  insertText: boolean;
  /** Global hotkeys, start on login (desktop only). */
  systemIntegration: boolean;
}

/**
 * The renderer's one door to its host: the Electron preload (`window.earshot`) or the web
 * page served by `earshot serve`. Both implement the IPC contract's `EarshotApi`.
 */
export interface Platform {
  kind: 'electron' | 'web';
  api: EarshotApi;
  capabilities: PlatformCapabilities;
}
