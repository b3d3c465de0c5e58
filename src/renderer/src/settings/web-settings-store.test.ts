import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import { MemoryStorage } from '../history/memory-storage.ts';
import { WebSettingsStore } from './web-settings-store.ts';

describe('WebSettingsStore', () => {
  it('starts from the defaults and persists validated patches', () => {
    const storage = new MemoryStorage();
    const store = new WebSettingsStore(storage);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    store.set({ handsFree: true, replacements: [{ from: 'earshot', to: 'Earshot' }] });
    expect(new WebSettingsStore(storage).get()).toMatchObject({ handsFree: true, replacements: [{ from: 'earshot', to: 'Earshot' }], insertMode: 'paste' });
  });

  it('rejects an invalid patch and keeps the old settings', () => {
    const store = new WebSettingsStore(new MemoryStorage());
    expect(() => store.set({ handsFreeSilenceMs: 5 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
    expect(() => store.set({ remoteUrl: 'http://not-a-websocket' })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig }));
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('falls back to the defaults when the stored value is damaged', () => {
    const storage = new MemoryStorage();
    storage.setItem(WebSettingsStore.key, '{"handsFree": "yes"');
    expect(new WebSettingsStore(storage).get()).toEqual(DEFAULT_SETTINGS);
  });
});
