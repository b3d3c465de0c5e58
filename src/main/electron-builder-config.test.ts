import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The installer config cannot be exercised here (electron-builder downloads Electron), so this
// checks what can break silently: it parses, and every file it names exists.
const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, 'build', 'electron-builder.yml');

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  extraResources: Array<{ from: string; to: string; filter?: string[] }>;
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  win: { target: string; icon: string };
  mac: { target: string; icon: string; entitlements: string; entitlementsInherit: string; extendInfo: Record<string, string> };
}

const config = parse(readFileSync(CONFIG, 'utf8')) as BuilderConfig;

function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('build/electron-builder.yml', () => {
  it('names the app and builds AppImage + deb, NSIS, DMG', () => {
    expect(config.appId).toBe('org.earshot.desktop');
    expect(config.productName).toBe('Earshot');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toBe('nsis');
    expect(config.mac.target).toBe('dmg');
  });

  it('every icon and entitlements file exists; icons are large enough for every platform', () => {
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) {
      expect(existsSync(join(ROOT, icon)), icon).toBe(true);
      const { width, height } = pngSize(join(ROOT, icon));
      expect(width).toBe(height);
      expect(width).toBeGreaterThanOrEqual(512);
    }
    for (const plist of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const text = readFileSync(join(ROOT, plist), 'utf8');
      expect(text).toContain('com.apple.security.device.audio-input');
    }
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
  });

  it('ships the model folder and the tray icon as extra resources', () => {
    for (const r of config.extraResources) {
      expect(statSync(join(ROOT, r.from)).isDirectory(), r.from).toBe(true);
    }
    const models = config.extraResources.find((r) => r.from === 'models');
    expect(models?.filter).toContain('catalog.json');
    expect(existsSync(join(ROOT, 'models', 'catalog.json'))).toBe(true);
    // The shipped models named in the catalog are the ones the filter keeps.
    const catalog = JSON.parse(readFileSync(join(ROOT, 'models', 'catalog.json'), 'utf8')) as {
      models: Array<{ name: string; bundled: boolean; path: string | null }>;
    };
    const bundled = catalog.models.filter((m) => m.bundled);
    expect(bundled.map((m) => m.name)).toEqual(['earshot-en-small', 'earshot-en-small-transducer']);
    for (const m of bundled) {
      expect(models?.filter).toContain(`${m.path!.replace(/^models\//, '')}/**/*`);
      expect(existsSync(join(ROOT, m.path!)), m.path!).toBe(true);
    }
    const trayIcon = join(ROOT, 'resources', 'tray.png');
    expect(pngSize(trayIcon)).toEqual({ width: 32, height: 32 });
  });

  it('keeps native modules out of the asar archive', () => {
    for (const mod of ['onnxruntime-node', 'better-sqlite3', 'uiohook-napi']) {
      expect(config.asarUnpack.some((p) => p.includes(`node_modules/${mod}/`)), mod).toBe(true);
    }
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('packages the electron-vite output the app starts from', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main.startsWith('./out/')).toBe(true);
    expect(config.files).toContain('out/**/*');
    expect(pkg.scripts.dist).toContain('electron-vite build');
    expect(pkg.scripts.dist).toContain('--config build/electron-builder.yml');
  });
});
