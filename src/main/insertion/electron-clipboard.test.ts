import { describe, expect, it } from 'vitest';
import { ElectronClipboard, type ElectronClipboardApi, type ElectronClipboardItem } from './electron-clipboard.ts';

// An in-memory stand-in for Electron's clipboard module (the electron binary cannot run here),
// holding items the way the system clipboard does: one record of MIME type → payload each.
class Item implements ElectronClipboardItem {
  constructor(readonly data: Record<string, unknown>) {}
  get types() {
    return Object.keys(this.data);
  }
  async getType(type: string) {
    if (!(type in this.data)) throw new Error(`no ${type}`);
    return this.data[type];
  }
}

class MemoryClipboard implements ElectronClipboardApi {
  items: Item[] = [];
  async read() {
    // Live view, like the platform: reading later sees later content.
    return this.items.map((i) => ({ types: i.types, getType: (t: string) => this.items[0]?.getType(t) ?? Promise.reject(new Error('empty')) }));
  }
  async readText() {
    return (this.items[0]?.data['text/plain'] as string | undefined) ?? '';
  }
  async write(items: Item[]) {
    this.items = items.map((i) => new Item({ ...i.data }));
  }
  async writeText(text: string) {
    this.items = [new Item({ 'text/plain': text })];
  }
  clear() {
    this.items = [];
  }
}

describe('ElectronClipboard', () => {
  it('restores every format of the previous content after a paste overwrote it', async () => {
    const memory = new MemoryClipboard();
    memory.items = [new Item({ 'text/plain': 'bold', 'text/html': '<b>bold</b>', 'image/png': new Uint8Array([1, 2, 3]) })];
    const cb = new ElectronClipboard(memory, Item as never);
    const saved = await cb.snapshot();
    await cb.writeText('dictated');
    expect(await cb.readText()).toBe('dictated');
    await cb.restore(saved);
    expect(memory.items.map((i) => i.data)).toEqual([
      { 'text/plain': 'bold', 'text/html': '<b>bold</b>', 'image/png': new Uint8Array([1, 2, 3]) },
    ]);
  });

  it('an empty clipboard is empty again after restoring', async () => {
    const memory = new MemoryClipboard();
    const cb = new ElectronClipboard(memory, Item as never);
    const saved = await cb.snapshot();
    await cb.writeText('dictated');
    await cb.restore(saved);
    expect(memory.items).toEqual([]);
  });

  it('a format the platform lists but cannot deliver is skipped', async () => {
    const memory = new MemoryClipboard();
    memory.items = [new Item({ 'text/plain': 'x' })];
    memory.read = async () => [{ types: ['text/plain', 'application/x-broken'], getType: (t: string) => memory.items[0].getType(t) }];
    const cb = new ElectronClipboard(memory, Item as never);
    const saved = await cb.snapshot();
    await cb.writeText('other');
    await cb.restore(saved);
    expect(memory.items.map((i) => i.data)).toEqual([{ 'text/plain': 'x' }]);
  });
});
