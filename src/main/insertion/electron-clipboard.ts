import type { Clipboard, ClipboardSnapshot } from './clipboard.ts';

/** The part of Electron's `clipboard` module the app uses (structural, so no electron import here). */
export interface ElectronClipboardApi {
  availableFormats(): string[];
  readText(): string;
  writeText(text: string): void;
  readHTML(): string;
  readRTF(): string;
  readImage(): { isEmpty(): boolean };
  write(data: { text?: string; html?: string; rtf?: string; image?: unknown }): void;
  clear(): void;
}

/** Electron's clipboard; a snapshot keeps text, HTML, RTF and an image so a paste does not lose them. */
export class ElectronClipboard implements Clipboard {
  readonly #cb: ElectronClipboardApi;

  constructor(clipboard: ElectronClipboardApi) {
    this.#cb = clipboard;
  }

  async readText(): Promise<string> {
    return this.#cb.readText();
  }

  async writeText(text: string): Promise<void> {
    this.#cb.writeText(text);
  }

  async snapshot(): Promise<ClipboardSnapshot> {
    const formats = new Map<string, unknown>();
    const available = this.#cb.availableFormats();
    if (available.includes('text/html')) formats.set('html', this.#cb.readHTML());
    if (available.includes('text/rtf')) formats.set('rtf', this.#cb.readRTF());
    const image = this.#cb.readImage();
    if (!image.isEmpty()) formats.set('image', image);
    return { text: this.#cb.readText(), formats };
  }

  async restore(snapshot: ClipboardSnapshot): Promise<void> {
    const f = snapshot.formats ?? new Map<string, unknown>();
    if (snapshot.text === '' && f.size === 0) {
      this.#cb.clear();
      return;
    }
    this.#cb.write({
      text: snapshot.text,
      html: f.get('html') as string | undefined,
      rtf: f.get('rtf') as string | undefined,
      image: f.get('image'),
    });
  }
}
