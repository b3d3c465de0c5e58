/**
 * The typed main <-> renderer contract. The preload exposes exactly `EarshotApi` as
 * `window.earshot`; the main process validates every argument against `ipcArgSchemas`
 * (ipc-schemas.ts). This file has no runtime imports, so the sandboxed preload bundles it alone.
 *
 * Errors: every handler answers an `IpcResult` envelope (Electron's ipc drops an error's
 * `code`), and the preload rethrows failures as `AsrError` with the same stable code, so the
 * renderer can `catch (e) { if (isAsrError(e) && e.code === ErrorCode.InvalidConfig) … }`.
 */
import type { ErrorCode } from './protocol/error-codes.ts';
import type { HistoryEntry, HistoryPage, HistoryQuery, NewHistoryEntry } from './history-entry.ts';
import type { EngineMode, ExecutionProvider, Settings, SettingsPatch } from './settings.ts';
import type { ExportFormat } from './transcript-export.ts';

export type { HistoryEntry, HistoryPage, HistoryQuery, NewHistoryEntry, Settings, SettingsPatch, ExportFormat, ExecutionProvider };

/** Where the renderer streams audio (protocol v1): the embedded gateway or a team cluster. */
export interface GatewayEndpoint {
  /** Base URL, e.g. `ws://127.0.0.1:43817`; the client appends `/v1/listen`. */
  url: string;
  /** Bearer token; per launch for the embedded gateway, from settings for a cluster. */
  token: string;
  mode: EngineMode;
}

/** A model the app knows: shipped, downloaded or downloadable from the catalog. */
export interface ModelInfo {
  name: string;
  description: string;
  language: string;
  /** Download or installed size in bytes (0 when unknown). */
  sizeBytes: number;
  /** Shipped with the app (cannot be deleted). */
  builtin: boolean;
  installed: boolean;
  /** The model new dictations use. */
  active: boolean;
}

/**
 * The local engine as the UI shows it. `remote`: this app does not run the engine (team cluster,
 * or the web page of `earshot serve`), so model and provider are the server's choice.
 */
export type EngineState = 'starting' | 'running' | 'failed' | 'stopped' | 'remote';

export interface EngineStatus {
  state: EngineState;
  /** The model loaded (or loading); may be the shipped one when the selected one is unavailable. */
  model?: string;
  /** What the settings ask for. */
  requestedProvider: ExecutionProvider;
  /** The ORT execution provider really in use while running, e.g. `cpu`, `webgpu`, `dml`. */
  provider?: string;
  /** GPU was asked for but no GPU provider loaded: the engine runs on the CPU. */
  gpuFallback: boolean;
  /** Why the engine is not running (state `failed`). */
  error?: IpcErrorInfo;
}

export type ModelDownloadState = 'downloading' | 'verifying' | 'done' | 'failed' | 'canceled';

/** Progress of a model download, sent at most a few times a second and on every state change. */
export interface ModelDownloadProgress {
  name: string;
  state: ModelDownloadState;
  receivedBytes: number;
  /** 0 when the server did not say. */
  totalBytes: number;
  error?: IpcErrorInfo;
}

/** Where a final went. */
export type InsertionOutcome =
  /** Pasted (clipboard + simulated paste) or typed into the focused application. */
  | 'inserted'
  /** Only copied to the clipboard; `notice` tells the user to paste (e.g. "copied — press Ctrl+V"). */
  | 'copied'
  /** Nothing to insert (empty text) or insertion is switched off. */
  | 'skipped'
  /** Neither insertion nor copying worked; `notice` says why. */
  | 'failed';

/** Why an insertion fell back to copying or failed. */
export type InsertionReason =
  | 'no-paste-tool'
  | 'focus-changed'
  | 'copy-mode'
  | 'paste-failed'
  | 'clipboard-failed'
  | 'empty'
  /** Earshot's own window has focus: the text stays in the app, nothing is pasted. */
  | 'own-window'
  /** "scratch that" of already inserted text could not be undone in the target app. */
  | 'delete-unavailable';

export interface InsertOptions {
  deleteBefore?: number;
}

export interface InsertionResult {
  outcome: InsertionOutcome;
  /** The strategy used, e.g. `x11-xdotool`, `wayland-wtype`, `macos-osascript`, `copy-only`. */
  strategy: string;
  /** The text that was inserted or copied. */
  text: string;
  /** Characters removed before the cursor first (a "scratch that" of already inserted text). */
  deleted?: number;
  reason?: InsertionReason;
  /** A short, user-visible message when the user has to act (or should know). */
  notice?: string;
}

/** What the insertion layer can do on this machine. */
export interface InsertionCapability {
  strategy: string;
  /** False: finals are only copied and the user pastes by hand. */
  canPaste: boolean;
  /** Shown once in the UI when paste is not possible (e.g. "install wtype for Wayland"). */
  notice?: string;
}

export type HotkeyAction = 'toggle' | 'hold-start' | 'hold-stop';

/** Sent when the global hotkey (or the tray's start/stop item) fires. */
export interface HotkeyEvent {
  action: HotkeyAction;
  source: 'hotkey' | 'tray';
}

export interface HotkeyStatus {
  accelerator: string;
  /** False when the OS or another app refused the shortcut; `error` says so. */
  registered: boolean;
  /**
   * Whether hold-to-talk can work here: it needs a native key hook with key-up (X11/XWayland,
   * Windows, macOS with Accessibility permission) and an accelerator that hook can watch.
   */
  holdToTalkAvailable: boolean;
  /** Why hold-to-talk is unavailable (or "not checked yet"); absent when it is available. */
  holdToTalkReason?: string;
  error?: string;
}

export interface ExportRequest {
  format: ExportFormat;
  /** Entries to export; absent: the whole history. */
  ids?: number[];
}

export interface ExportResult {
  /** False when the user canceled the save dialog. */
  saved: boolean;
  path?: string;
  count: number;
}

export interface IpcErrorInfo {
  code: ErrorCode;
  message: string;
}

/** The envelope every invoke handler answers with. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcErrorInfo };

/** Request/response methods (`ipcRenderer.invoke`). */
export interface EarshotInvokeApi {
  /** App version, for the about box. */
  getVersion(): Promise<string>;
  /** The gateway the renderer must connect to now. */
  getEndpoint(): Promise<GatewayEndpoint>;

  getSettings(): Promise<Settings>;
  /** Applies a partial update and returns the new settings; rejects InvalidConfig. */
  setSettings(patch: SettingsPatch): Promise<Settings>;

  listHistory(query: HistoryQuery): Promise<HistoryPage>;
  /** Records a finished dictation (ignored, returning null, when `saveHistory` is off). */
  addHistory(entry: NewHistoryEntry): Promise<HistoryEntry | null>;
  /** Deletes entries; returns how many existed. */
  deleteHistory(ids: number[]): Promise<number>;
  clearHistory(): Promise<number>;
  /** Writes entries to a file the user picks in a save dialog. */
  exportHistory(request: ExportRequest): Promise<ExportResult>;
  /** Copies an entry's text to the clipboard (re-copy from history). */
  copyText(text: string): Promise<void>;

  listModels(): Promise<ModelInfo[]>;
  /** Makes an installed model the active one; the local engine reloads it. */
  selectModel(name: string): Promise<ModelInfo[]>;
  /** Starts (or resumes) a download; progress arrives as `modelDownloadProgress` events. */
  downloadModel(name: string): Promise<void>;
  cancelModelDownload(name: string): Promise<void>;
  /**
   * Deletes a downloaded model's files (and a partial download) and returns the new list.
   * Refused with ASR_ERR_INVALID_CONFIG for the shipped model, the active model (select another
   * first: deleting never switches the engine behind the user's back) and a model being downloaded;
   * ASR_ERR_MODEL_NOT_FOUND when nothing of it is on disk.
   */
  deleteModel(name: string): Promise<ModelInfo[]>;
  /** The local engine's state and the execution provider it really uses. */
  getEngineStatus(): Promise<EngineStatus>;

  /** The renderer tells main when a dictation starts/stops (tray label, focus tracking). */
  setDictationActive(active: boolean): Promise<void>;
  /**
   * Inserts a final into the focused application (or copies it, see InsertionResult).
   * `deleteBefore`: first remove that many characters before the cursor — the formatter's
   * `deleteCount` when "scratch that" removes text that was already inserted.
   */
  insertText(text: string, options?: InsertOptions): Promise<InsertionResult>;
  getInsertionCapability(): Promise<InsertionCapability>;
  getHotkeyStatus(): Promise<HotkeyStatus>;
}

/** Events main pushes to the renderer (`webContents.send`). */
export interface EarshotEvents {
  hotkey: HotkeyEvent;
  insertionResult: InsertionResult;
  modelDownloadProgress: ModelDownloadProgress;
  settingsChanged: Settings;
  endpointChanged: GatewayEndpoint;
  hotkeyStatus: HotkeyStatus;
  engineStatus: EngineStatus;
}

export type EarshotEventName = keyof EarshotEvents;

/** `window.earshot` in the renderer. */
export interface EarshotApi extends EarshotInvokeApi {
  /** Subscribes to a main-process event; returns the unsubscribe function. */
  on<K extends EarshotEventName>(event: K, listener: (payload: EarshotEvents[K]) => void): () => void;
}

/** IPC channel names, one per invoke method. */
export const IpcChannel = {
  getVersion: 'earshot:get-version',
  getEndpoint: 'earshot:get-endpoint',
  getSettings: 'earshot:get-settings',
  setSettings: 'earshot:set-settings',
  listHistory: 'earshot:list-history',
  addHistory: 'earshot:add-history',
  deleteHistory: 'earshot:delete-history',
  clearHistory: 'earshot:clear-history',
  exportHistory: 'earshot:export-history',
  copyText: 'earshot:copy-text',
  listModels: 'earshot:list-models',
  selectModel: 'earshot:select-model',
  downloadModel: 'earshot:download-model',
  cancelModelDownload: 'earshot:cancel-model-download',
  deleteModel: 'earshot:delete-model',
  getEngineStatus: 'earshot:get-engine-status',
  setDictationActive: 'earshot:set-dictation-active',
  insertText: 'earshot:insert-text',
  getInsertionCapability: 'earshot:get-insertion-capability',
  getHotkeyStatus: 'earshot:get-hotkey-status',
} as const satisfies Record<keyof EarshotInvokeApi, string>;

/** Event channel names, one per event. */
export const IpcEventChannel = {
  hotkey: 'earshot:event:hotkey',
  insertionResult: 'earshot:event:insertion-result',
  modelDownloadProgress: 'earshot:event:model-download-progress',
  settingsChanged: 'earshot:event:settings-changed',
  endpointChanged: 'earshot:event:endpoint-changed',
  hotkeyStatus: 'earshot:event:hotkey-status',
  engineStatus: 'earshot:event:engine-status',
} as const satisfies Record<EarshotEventName, string>;
