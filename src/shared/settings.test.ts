import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateEndpointSettings, validateSettings, validateSettingsPatch } from './settings.ts';

describe('settings', () => {
  it('defaults validate, and missing keys take defaults', () => {
    expect(validateSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(validateSettings({ handsFree: true }).handsFree).toBe(true);
  });

  it('execution provider: cpu by default (also for settings saved before it existed), only cpu or gpu', () => {
    expect(DEFAULT_SETTINGS.executionProvider).toBe('cpu');
    const { executionProvider: _, ...older } = DEFAULT_SETTINGS;
    expect(validateSettings(older).executionProvider).toBe('cpu');
    expect(validateSettingsPatch({ executionProvider: 'gpu' })).toEqual({ executionProvider: 'gpu' });
    expect(() => validateSettingsPatch({ executionProvider: 'cuda' })).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }));
  });

  it('custom vocabulary: empty by default (also for settings saved before it existed), within the hotword limits', () => {
    expect(DEFAULT_SETTINGS.vocabulary).toEqual([]);
    const { vocabulary: _, ...older } = DEFAULT_SETTINGS;
    expect(validateSettings(older).vocabulary).toEqual([]);
    expect(validateSettingsPatch({ vocabulary: [' Kubernetes ', 'Ada Lovelace'] })).toEqual({ vocabulary: ['Kubernetes', 'Ada Lovelace'] });
    for (const bad of [[''], ['x'.repeat(101)], Array(101).fill('x'), 'Kubernetes']) {
      expect(() => validateSettingsPatch({ vocabulary: bad })).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }));
    }
  });

  it('a patch keeps absent keys absent (no silent reset to defaults)', () => {
    expect(validateSettingsPatch({ handsFree: true })).toEqual({ handsFree: true });
  });

  it.each([
    [{ remoteUrl: 'https://x' }],
    [{ clipboardRestoreDelayMs: 1.5 }],
    [{ toggleHotkey: '' }],
    [{ typo: 1 }],
    [null],
  ])('rejects %j with InvalidConfig', (bad) => {
    expect(() => validateSettingsPatch(bad)).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }));
  });

  it('accepts ws and wss URLs', () => {
    expect(validateSettingsPatch({ remoteUrl: 'wss://asr.example.com:8443' }).remoteUrl).toBe('wss://asr.example.com:8443');
    expect(validateSettingsPatch({ remoteUrl: 'ws://10.0.0.5:8080' }).remoteUrl).toBe('ws://10.0.0.5:8080');
  });

  it('remote mode needs a URL', () => {
    expect(() => validateEndpointSettings({ ...DEFAULT_SETTINGS, engineMode: 'remote' })).toThrow(
      expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }),
    );
    expect(() => validateEndpointSettings({ ...DEFAULT_SETTINGS, engineMode: 'remote', remoteUrl: 'ws://h:1' })).not.toThrow();
  });
});
