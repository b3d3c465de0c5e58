/**
 * The typed main <-> renderer contract. The preload exposes exactly this API as
 * `window.earshot`; the main process validates every argument it receives.
 */

/** Where the renderer should stream audio: the embedded gateway or a team cluster. */
export interface GatewayEndpoint {
  url: string;
  token: string;
  mode: 'local' | 'remote';
}

export interface EarshotApi {
  /** The gateway the renderer must connect to (protocol v1). */
  getEndpoint(): Promise<GatewayEndpoint>;
  /** App version, for the about box. */
  getVersion(): Promise<string>;
}

/** IPC channel names, one per API method. */
export const IpcChannel = {
  getEndpoint: 'earshot:get-endpoint',
  getVersion: 'earshot:get-version',
} as const satisfies Record<keyof EarshotApi, string>;
