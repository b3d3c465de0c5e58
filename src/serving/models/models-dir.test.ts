import { describe, expect, it } from 'vitest';
import { defaultModelsDir } from './models-dir.ts';

describe('default models folder', () => {
  it('prefers $EARSHOT_MODELS_DIR everywhere', () => {
    expect(defaultModelsDir({ env: { EARSHOT_MODELS_DIR: '/data/m' }, platform: 'darwin', home: '/Users/a' })).toBe('/data/m');
  });

  it('follows each OS convention', () => {
    expect(defaultModelsDir({ env: {}, platform: 'linux', home: '/home/a' })).toBe('/home/a/.local/share/earshot/models');
    expect(defaultModelsDir({ env: { XDG_DATA_HOME: '/x' }, platform: 'linux', home: '/home/a' })).toBe('/x/earshot/models');
    expect(defaultModelsDir({ env: { XDG_DATA_HOME: 'relative' }, platform: 'linux', home: '/home/a' })).toBe('/home/a/.local/share/earshot/models');
    expect(defaultModelsDir({ env: {}, platform: 'darwin', home: '/Users/a' })).toBe('/Users/a/Library/Application Support/Earshot/models');
    expect(defaultModelsDir({ env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\a' })).toBe('C:\\Users\\a\\AppData\\Roaming\\Earshot\\models');
    expect(defaultModelsDir({ env: {}, platform: 'win32', home: 'C:\\Users\\a' })).toBe('C:\\Users\\a\\AppData\\Roaming\\Earshot\\models');
  });
});
