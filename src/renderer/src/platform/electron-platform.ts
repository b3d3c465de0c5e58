import type { EarshotApi } from '../../../shared/ipc-contract.ts';
import type { Platform } from './platform.ts';

/** The desktop host: every call goes through the preload's typed bridge. */
export function createElectronPlatform(api: EarshotApi): Platform {
  return { kind: 'electron', api, capabilities: { manageModels: true, insertText: true, systemIntegration: true } };
}
