/**
 * The system clipboard, injected into the inserter: Electron's clipboard in the app, xclip in
 * tests and the CLI. A snapshot is whatever the implementation can put back (text at least).
 */
export interface Clipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  snapshot(): Promise<ClipboardSnapshot>;
  restore(snapshot: ClipboardSnapshot): Promise<void>;
}

/** Opaque to callers; `text` lets the inserter check whether the user copied something since. */
export interface ClipboardSnapshot {
  readonly text: string;
  readonly formats?: ReadonlyMap<string, unknown>;
}
