import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * What `earshot models pull` writes into an installed model folder: the archive's checksum
 * and the SHA-256 of every file it unpacked, so `verify` can recheck the folder after the
 * archive itself is gone (it is deleted after install to save the disk space).
 */
export const MANIFEST_FILE = 'earshot-model.json';

const manifestSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  url: z.string().nullable(),
  archive_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** 'catalog' (pinned in catalog.json), 'recorded' (matched the first download's hash) or 'first-download'. */
  archive_sha256_source: z.enum(['catalog', 'recorded', 'first-download']).nullable(),
  archive_bytes: z.number().int().nonnegative().nullable(),
  installed_at: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ManifestFile = ModelManifest['files'][number];

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `dir` (relative, forward slashes), sorted; the manifest itself excluded. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((p) => p !== MANIFEST_FILE)
    .sort();
}

/** Hashes every file under `dir`; progress is in bytes hashed of the folder's total. */
export async function hashTree(dir: string, signal?: AbortSignal, onProgress?: (bytes: number, total: number) => void): Promise<ManifestFile[]> {
  const files = await listFiles(dir);
  const sizes = await Promise.all(files.map(async (rel) => (await stat(path.join(dir, rel))).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const out: ManifestFile[] = [];
  let done = 0;
  for (const [i, rel] of files.entries()) {
    out.push({ path: rel, bytes: sizes[i], sha256: await sha256File(path.join(dir, rel), signal) });
    done += sizes[i];
    onProgress?.(done, total);
  }
  return out;
}

export async function writeManifest(dir: string, manifest: ModelManifest): Promise<void> {
  await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The folder's manifest, undefined if it has none; a damaged manifest is reported as such. */
export async function readManifest(dir: string): Promise<ModelManifest | undefined | 'damaged'> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'damaged';
  } catch {
    return 'damaged';
  }
}

/** Rechecks each file of the manifest; returns one line per problem (empty when all is well). */
export async function checkManifestFiles(dir: string, manifest: ModelManifest, signal?: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  for (const f of manifest.files) {
    const abs = path.join(dir, f.path);
    let size: number;
    try {
      size = (await stat(abs)).size;
    } catch {
      problems.push(`${f.path}: missing`);
      continue;
    }
    if (size !== f.bytes) {
      problems.push(`${f.path}: ${size} bytes, expected ${f.bytes}`);
      continue;
    }
    const actual = await sha256File(abs, signal);
    if (actual !== f.sha256) problems.push(`${f.path}: SHA-256 ${actual}, expected ${f.sha256}`);
  }
  return problems;
}
