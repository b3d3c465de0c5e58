import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings.ts';
import { ftsQuery } from './history-repository.ts';
import { migrate, MIGRATIONS, schemaVersion, type Migration } from './migrations.ts';
import { openStore, type Store } from './open-store.ts';

let dir: string;
let dbPath: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'earshot-store-'));
  dbPath = join(dir, 'nested', 'earshot.db');
  store = openStore(dbPath);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const dictation = (text: string, createdAt: number) => ({
  text,
  createdAt,
  durationMs: 1500,
  model: 'earshot-en-small',
  mode: 'local' as const,
  segments: [{ text, start: 0, end: 1.5 }],
});

describe('migrations', () => {
  it('creates the schema once and records its version', () => {
    const db = new Database(dbPath);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('applies only the missing steps, in order, each in a transaction', () => {
    const db = new Database(':memory:');
    const steps: Migration[] = [
      { version: 1, name: 'a', up: (d) => d.exec('CREATE TABLE a (x)') },
      { version: 2, name: 'b', up: (d) => d.exec('CREATE TABLE b (x)') },
    ];
    expect(migrate(db, steps.slice(0, 1))).toEqual([1]);
    expect(migrate(db, steps)).toEqual([2]);
    const broken: Migration = {
      version: 3,
      name: 'broken',
      up: (d) => {
        d.exec('CREATE TABLE c (x)');
        d.exec('THIS IS NOT SQL');
      },
    };
    expect(() => migrate(db, [...steps, broken])).toThrow();
    // The failed step left nothing behind.
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database written by a newer version', () => {
    const db = new Database(':memory:');
    migrate(db, [{ version: 1, name: 'a', up: () => {} }, { version: 2, name: 'b', up: () => {} }]);
    expect(() => migrate(db, [{ version: 1, name: 'a', up: () => {} }])).toThrow(
      expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }),
    );
    db.close();
  });

  it('rejects a migration list with a gap', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => {} }])).toThrow(/expected 1/);
    db.close();
  });
});

describe('history', () => {
  it('adds, lists newest first, pages and counts', () => {
    for (let i = 1; i <= 5; i++) store.history.add(dictation(`note number ${i}`, 1000 * i));
    const page = store.history.list({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.entries.map((e) => e.text)).toEqual(['note number 4', 'note number 3']);
    expect(page.entries[0].segments).toEqual([{ text: 'note number 4', start: 0, end: 1.5 }]);
  });

  it('uses the injected clock when no createdAt is given', () => {
    const e = store.history.add({ text: 'x', durationMs: 1, model: 'm', mode: 'remote' });
    expect(e.createdAt).toBeGreaterThan(0);
    expect(e.segments).toEqual([]);
    expect(e.mode).toBe('remote');
  });

  it('full-text search: words, prefixes, diacritics, case, AND semantics', () => {
    store.history.add(dictation('Meeting with the café owners tomorrow', 1));
    store.history.add(dictation('Buy milk and coffee', 2));
    store.history.add(dictation('The meeting moved to Friday', 3));
    const texts = (search: string) => store.history.list({ search }).entries.map((e) => e.text);
    expect(texts('meeting')).toEqual(['The meeting moved to Friday', 'Meeting with the café owners tomorrow']);
    expect(texts('MEET')).toHaveLength(2);
    expect(texts('cafe')).toEqual(['Meeting with the café owners tomorrow']);
    expect(texts('meeting friday')).toEqual(['The meeting moved to Friday']);
    expect(texts('tea')).toEqual([]);
    expect(store.history.list({ search: 'meeting' }).total).toBe(2);
  });

  it('search input with FTS5 syntax is taken literally, never an error', () => {
    store.history.add(dictation('he said "hello" AND left (quickly)', 1));
    for (const s of ['"hello', 'AND', 'NEAR(a b)', 'text:hello', '*', '-left', 'a OR', "it's", '^h']) {
      expect(() => store.history.list({ search: s })).not.toThrow();
    }
    expect(store.history.list({ search: '"hello' }).total).toBe(1);
    // Only punctuation: nothing to search for, so everything is listed.
    expect(store.history.list({ search: '**' }).total).toBe(1);
  });

  it('deleting removes entries from the list and from the index', () => {
    const a = store.history.add(dictation('alpha text', 1));
    const b = store.history.add(dictation('beta text', 2));
    expect(store.history.delete([a.id, 999])).toBe(1);
    expect(store.history.list({ search: 'alpha' }).total).toBe(0);
    expect(store.history.list({ search: 'text' }).entries.map((e) => e.id)).toEqual([b.id]);
    expect(store.history.clear()).toBe(1);
    expect(store.history.list().total).toBe(0);
  });

  it('getMany returns known ids oldest first, once each', () => {
    const a = store.history.add(dictation('a', 10));
    const b = store.history.add(dictation('b', 5));
    expect(store.history.getMany([a.id, b.id, a.id, 12345]).map((e) => e.text)).toEqual(['b', 'a']);
    expect(store.history.all().map((e) => e.text)).toEqual(['b', 'a']);
  });

  it('rejects invalid entries and queries with a code', () => {
    expect(() => store.history.add({ text: 'x', durationMs: -1, model: 'm', mode: 'local' })).toThrow(
      expect.objectContaining({ code: 'ASR_ERR_BAD_REQUEST' }),
    );
    expect(() => store.history.list({ limit: 0 })).toThrow(expect.objectContaining({ code: 'ASR_ERR_BAD_REQUEST' }));
  });

  it('survives reopening the file', () => {
    store.history.add(dictation('persisted words', 1));
    store.close();
    store = openStore(dbPath);
    expect(store.history.list({ search: 'persisted' }).total).toBe(1);
  });
});

describe('ftsQuery', () => {
  it.each([
    ['hello world', '"hello"* "world"*'],
    ['  ', undefined],
    ['"quoted"', '"quoted"*'],
    ["don't", '"don\'t"*'],
    ['a-b', '"a"* "b"*'],
  ])('%j → %j', (input, expected) => {
    expect(ftsQuery(input)).toBe(expected);
  });
});

describe('settings', () => {
  it('reads defaults from an empty store', () => {
    expect(store.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('applies a patch, keeps other keys and persists', () => {
    store.settings.update({ handsFree: true, replacements: [{ from: 'earshot', to: 'Earshot' }] });
    const s = store.settings.update({ handsFreeSilenceMs: 1500 });
    expect(s).toEqual({
      ...DEFAULT_SETTINGS,
      handsFree: true,
      handsFreeSilenceMs: 1500,
      replacements: [{ from: 'earshot', to: 'Earshot' }],
    });
    store.close();
    store = openStore(dbPath);
    expect(store.settings.get().handsFreeSilenceMs).toBe(1500);
  });

  it.each([
    [{ handsFreeSilenceMs: 5 }],
    [{ engineMode: 'cloud' }],
    [{ remoteUrl: 'http://example.com' }],
    [{ noSuchSetting: true }],
    [{ replacements: [{ from: '', to: 'x' }] }],
    ['not an object'],
  ])('rejects %j with InvalidConfig and changes nothing', (patch) => {
    expect(() => store.settings.update(patch)).toThrow(expect.objectContaining({ code: 'ASR_ERR_INVALID_CONFIG' }));
    expect(store.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('a stored value that no longer validates reads as its default, others stay', () => {
    store.settings.update({ startOnLogin: true });
    store.close();
    const db = new Database(dbPath);
    db.prepare("INSERT INTO settings (key, value) VALUES ('handsFreeSilenceMs', '\"soon\"'), ('futureKey', '1')").run();
    db.close();
    store = openStore(dbPath);
    expect(store.settings.get()).toEqual({ ...DEFAULT_SETTINGS, startOnLogin: true });
  });

  it('a settings table written before executionProvider existed reads cpu; a bad stored value too', () => {
    store.settings.update({ activeModel: 'zipformer-en' });
    store.close();
    const db = new Database(dbPath);
    expect(db.prepare("SELECT count(*) AS n FROM settings WHERE key = 'executionProvider'").get()).toEqual({ n: 0 });
    db.close();
    store = openStore(dbPath);
    expect(store.settings.get()).toMatchObject({ activeModel: 'zipformer-en', executionProvider: 'cpu' });
    expect(store.settings.update({ executionProvider: 'gpu' }).executionProvider).toBe('gpu');
    store.close();
    const db2 = new Database(dbPath);
    db2.prepare("UPDATE settings SET value = '\"tpu\"' WHERE key = 'executionProvider'").run();
    db2.close();
    store = openStore(dbPath);
    expect(store.settings.get().executionProvider).toBe('cpu');
  });

  it('reset returns to defaults', () => {
    store.settings.update({ startOnLogin: true });
    expect(store.settings.reset()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('downloaded models', () => {
  const model = (name: string) => ({
    name,
    path: `/models/${name}`,
    sha256: 'a'.repeat(64),
    sizeBytes: 1234,
    installedAt: 42,
  });

  it('records models and keeps exactly one active', () => {
    store.models.upsert(model('zipformer-en'));
    store.models.upsert(model('zipformer-de'));
    store.models.setActive('zipformer-en');
    store.models.setActive('zipformer-de');
    expect(store.models.active()?.name).toBe('zipformer-de');
    expect(store.models.list().filter((m) => m.active)).toHaveLength(1);
    store.models.setActive(undefined);
    expect(store.models.active()).toBeUndefined();
  });

  it('re-recording a model keeps its active flag', () => {
    store.models.upsert(model('m1'));
    store.models.setActive('m1');
    store.models.upsert({ ...model('m1'), sizeBytes: 99 });
    expect(store.models.get('m1')).toMatchObject({ active: true, sizeBytes: 99 });
  });

  it('activating an unknown model fails and leaves the active one', () => {
    store.models.upsert(model('m1'));
    store.models.setActive('m1');
    expect(() => store.models.setActive('nope')).toThrow(expect.objectContaining({ code: 'ASR_ERR_MODEL_NOT_FOUND' }));
    expect(store.models.active()?.name).toBe('m1');
  });

  it('validates records and removes them', () => {
    expect(() => store.models.upsert({ ...model('x'), sha256: 'nothex' })).toThrow(
      expect.objectContaining({ code: 'ASR_ERR_BAD_REQUEST' }),
    );
    store.models.upsert(model('x'));
    expect(store.models.remove('x')).toBe(true);
    expect(store.models.remove('x')).toBe(false);
  });
});
