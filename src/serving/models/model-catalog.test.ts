import { describe, expect, it } from 'vitest';
import { MODEL_FAMILIES } from '../../engine/model/model-detector.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { ENGINE_FAMILIES, FAMILY_ROLES, isEngineFamily, type CatalogEntry } from './catalog-schema.ts';
import { findModel, loadCatalog, parseCatalog } from './model-catalog.ts';

const shipped = loadCatalog();

const download = (over: Partial<CatalogEntry> = {}): CatalogEntry => ({
  name: 'x-model',
  title: 'X',
  family: 'nemo-ctc',
  engine_support: 'supported',
  languages: ['en'],
  bundled: false,
  path: null,
  url: 'https://example.com/x-model.tar.bz2',
  size_bytes: 10,
  size_approx: false,
  sha256: null,
  sha256_source: null,
  archive_root: 'x-model',
  files: { model: 'model.onnx', tokens: 'tokens.txt' },
  license: 'MIT',
  notes: 'n',
  ...over,
});

const catalogOf = (...models: CatalogEntry[]) => ({ version: 1, models });

describe('model catalog', () => {
  it('parses the shipped models/catalog.json', () => {
    expect(shipped.models.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['earshot-en-small', 'nemo-ctc', { model: 'model.onnx', tokens: 'tokens.txt' }],
    ['earshot-en-small-transducer', 'lstm-transducer', { encoder: 'encoder.onnx', decoder: 'decoder.onnx', joiner: 'joiner.onnx', tokens: 'tokens.txt' }],
  ])('ships %s as a bundled %s model in its own folder', (name, family, files) => {
    expect(findModel(shipped, name)).toMatchObject({ bundled: true, family, languages: ['en'], path: `models/${name}`, files });
  });

  it("names exactly the families in the engine's registry as engine families", () => {
    expect([...ENGINE_FAMILIES].sort()).toEqual(MODEL_FAMILIES.map((f) => f.name).sort());
  });

  it('marks every model whose family the engine cannot load', () => {
    for (const m of shipped.models) {
      expect(m.engine_support === 'supported', m.name).toBe(isEngineFamily(m.family));
      if (!isEngineFamily(m.family)) expect(m.notes, m.name).toMatch(/not (load|one of)/);
    }
    // At least one real download per engine family, so the engine can be tested on real weights.
    for (const family of ENGINE_FAMILIES) {
      expect(shipped.models.some((m) => !m.bundled && m.family === family), family).toBe(true);
    }
  });

  it('downloads only official sherpa-onnx release archives, each with a folder and its files', () => {
    for (const m of shipped.models.filter((m) => !m.bundled)) {
      expect(m.url).toBe(`https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${m.archive_root}.tar.bz2`);
      expect(Object.keys(m.files).sort()).toEqual([...FAMILY_ROLES[m.family]].sort());
    }
  });

  it('gives a source for every checksum it pins', () => {
    for (const m of shipped.models) expect(m.sha256 === null, m.name).toBe(m.sha256_source === null);
  });

  it.each<[string, CatalogEntry, RegExp]>([
    // Every catalog family is an engine family today, so only the other direction can be shown.
    ['a family the engine loads marked not-yet', download({ engine_support: 'not-yet' }), /engine_support/],
    ['files missing a role', download({ files: { model: 'model.onnx' } }), /needs exactly the roles/],
    ['a path escaping the folder', download({ files: { model: '../../etc/passwd', tokens: 't' } }), /relative path/],
    ['a name with a slash', download({ name: 'a/b' }), /name/],
    ['a checksum without a source', download({ sha256: 'a'.repeat(64) }), /sha256_source/],
    ['an upper-case checksum', download({ sha256: 'A'.repeat(64), sha256_source: 's' }), /hex/],
    ['a zip archive', download({ url: 'https://example.com/x.zip' }), /tar\.bz2/],
    ['a bundled model without a path', download({ bundled: true, url: null }), /path/],
    ['an unknown field', { ...download(), extra: 1 } as CatalogEntry, /extra|Unrecognized/i],
  ])('rejects %s with ASR_ERR_INVALID_CONFIG', (_what, entry, message) => {
    expect(() => parseCatalog(catalogOf(entry))).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig, message: expect.stringMatching(message) }));
  });

  it('rejects duplicate names and accepts a valid minimal catalog', () => {
    expect(() => parseCatalog(catalogOf(download(), download()))).toThrow(/duplicate/);
    expect(parseCatalog(catalogOf(download())).models[0].name).toBe('x-model');
  });

  it('reports a missing or broken catalog file with its path', () => {
    expect(() => loadCatalog('/nonexistent/catalog.json')).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfig, message: expect.stringContaining('/nonexistent/catalog.json') }));
  });

  it('names close matches for an unknown model', () => {
    expect(() => findModel(shipped, 'earshot')).toThrow(expect.objectContaining({ code: ErrorCode.ModelNotFound, message: expect.stringContaining('did you mean earshot-en-small') }));
    expect(() => findModel(shipped, 'qqq')).toThrow(/known models: earshot-en-small/);
  });
});
