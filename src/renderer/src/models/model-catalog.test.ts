import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import { parseModelCatalog } from './model-catalog.ts';

describe('parseModelCatalog', () => {
  it('reads the shipped models/catalog.json', () => {
    const json: unknown = JSON.parse(readFileSync(new URL('../../../../models/catalog.json', import.meta.url), 'utf8'));
    const models = parseModelCatalog(json, 'earshot-en-small');
    const bundled = models.find((m) => m.name === 'earshot-en-small');
    expect(bundled).toMatchObject({ builtin: true, installed: true, active: true, language: 'en' });
    expect(models.filter((m) => m.active)).toHaveLength(1);
    expect(models.length).toBeGreaterThan(1);
  });

  it('rejects something that is not a catalog', () => {
    expect(() => parseModelCatalog({ version: 2, models: [] }, 'x')).toThrow(expect.objectContaining({ code: ErrorCode.ModelInvalid }));
  });
});
