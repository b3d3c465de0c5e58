import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { catalogSchema, type CatalogEntry, type ModelCatalog } from './catalog-schema.ts';

/** The repository (or packaged app) root: bundled model paths in the catalog are relative to it. */
export const APP_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** models/catalog.json beside the app; a packaged app passes its own resources path instead. */
export function defaultCatalogPath(appRoot = APP_ROOT): string {
  return path.join(appRoot, 'models', 'catalog.json');
}

/** Validates parsed JSON; every problem is listed with its path so a bad edit is easy to find. */
export function parseCatalog(json: unknown, source = 'catalog'): ModelCatalog {
  const result = catalogSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AsrError(ErrorCode.InvalidConfig, `invalid model catalog ${source}: ${problems}`);
  }
  return result.data;
}

export function loadCatalog(path = defaultCatalogPath()): ModelCatalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AsrError(ErrorCode.InvalidConfig, `cannot read model catalog ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AsrError(ErrorCode.InvalidConfig, `model catalog ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseCatalog(json, path);
}

export function findModel(catalog: ModelCatalog, name: string): CatalogEntry {
  const entry = catalog.models.find((m) => m.name === name);
  if (!entry) {
    const near = catalog.models.filter((m) => m.name.includes(name) || name.includes(m.name)).map((m) => m.name);
    const hint = near.length > 0 ? `did you mean ${near.join(' or ')}?` : `known models: ${catalog.models.map((m) => m.name).join(', ')}`;
    throw new AsrError(ErrorCode.ModelNotFound, `unknown model '${name}'; ${hint}`);
  }
  return entry;
}
