import type { Clipboard, ClipboardSnapshot } from './clipboard.ts';

/** Electron's (async, W3C-shaped) clipboard module, structurally, so this file needs no electron import. */
export interface ElectronClipboardApi {
  read(): Promise<ElectronClipboardItem[]>;
  readText(): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Electron's ClipboardItem class
  write(items: any[]): Promise<void>;
  writeText(text: string): Promise<void>;
  clear(): void;
}

export interface ElectronClipboardItem {
  readonly types: string[];
  getType(type: string): Promise<unknown>;
}

/** Electron's `ClipboardItem` constructor. */
export type ClipboardItemClass = new (items: Record<string, never>) => unknown;

type Payloads = Record<string, unknown>;

/**
 * Electron's clipboard. A snapshot reads every item in every format it offers (text, HTML,
 * RTF, images, bookmarks…) eagerly, so the user's clipboard comes back whole after a paste.
 */
export class ElectronClipboard implements Clipboard {
  readonly #cb: ElectronClipboardApi;
  readonly #Item: ClipboardItemClass;

  constructor(clipboard: ElectronClipboardApi, ClipboardItem: ClipboardItemClass) {
    this.#cb = clipboard;
    this.#Item = ClipboardItem;
  }

  readText(): Promise<string> {
    return this.#cb.readText();
  }

  writeText(text: string): Promise<void> {
    return this.#cb.writeText(text);
  }

  async snapshot(): Promise<ClipboardSnapshot> {
    const items: Payloads[] = [];
    for (const item of await this.#cb.read()) {
      const payloads: Payloads = {};
      for (const type of item.types) {
        // A format the platform lists but cannot deliver is skipped, not fatal.
        const data = await item.getType(type).catch(() => undefined);
        if (data !== undefined) payloads[type] = data;
      }
      if (Object.keys(payloads).length > 0) items.push(payloads);
    }
    return { text: await this.#cb.readText(), formats: new Map([['items', items]]) };
  }

  async restore(snapshot: ClipboardSnapshot): Promise<void> {
    const items = (snapshot.formats?.get('items') as Payloads[] | undefined) ?? [];
    if (items.length === 0) {
      if (snapshot.text === '') this.#cb.clear();
      else await this.#cb.writeText(snapshot.text);
      return;
    }
    await this.#cb.write(items.map((p) => new this.#Item(p as Record<string, never>)));
  }
}
