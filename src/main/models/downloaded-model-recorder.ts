import { readManifest } from '../../serving/models/model-manifest.ts';
import type { ModelRepository } from '../store/model-repository.ts';
import type { ModelSource } from './desktop-models.ts';

/**
 * After a download, records the model in the app database (name, folder, archive SHA-256,
 * size) from the manifest the model manager wrote beside the files. Returns whether it did:
 * a model without a verified archive hash is not recorded as verified.
 */
export async function recordDownloadedModel(
  name: string,
  source: ModelSource,
  models: ModelRepository,
  now: () => number = Date.now,
): Promise<boolean> {
  const entry = (await source.list()).find((m) => m.name === name);
  if (!entry || entry.state !== 'installed' || entry.path === null) return false;
  const manifest = await readManifest(entry.path);
  if (manifest === undefined || manifest === 'damaged' || manifest.archive_sha256 === null) return false;
  const size = manifest.archive_bytes ?? manifest.files.reduce((n, f) => n + f.bytes, 0);
  models.upsert({ name, path: entry.path, sha256: manifest.archive_sha256, sizeBytes: size, installedAt: now() });
  return true;
}
