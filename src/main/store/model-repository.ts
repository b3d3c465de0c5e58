import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** A model downloaded to this machine (the shipped one is not stored here). */
export interface DownloadedModel {
  name: string;
  /** Absolute folder of the model files. */
  path: string;
  /** Hex SHA-256 of the downloaded archive, checked before it was unpacked. */
  sha256: string;
  sizeBytes: number;
  active: boolean;
  /** Epoch milliseconds. */
  installedAt: number;
}

const downloadedModelSchema = z.object({
  name: z.string().min(1).max(200),
  path: z.string().min(1).max(4096),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256'),
  sizeBytes: z.number().int().min(0),
  installedAt: z.number().int().min(0),
});

interface ModelRow {
  name: string;
  path: string;
  sha256: string;
  size_bytes: number;
  active: number;
  installed_at: number;
}

/** Downloaded models; at most one is active (enforced by a partial unique index). */
export class ModelRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  list(): DownloadedModel[] {
    return (this.#db.prepare('SELECT * FROM models ORDER BY name').all() as ModelRow[]).map(toModel);
  }

  get(name: string): DownloadedModel | undefined {
    const row = this.#db.prepare('SELECT * FROM models WHERE name = ?').get(name) as ModelRow | undefined;
    return row && toModel(row);
  }

  /** Records (or replaces, keeping its active flag) a downloaded model. */
  upsert(model: Omit<DownloadedModel, 'active'>): DownloadedModel {
    const parsed = downloadedModelSchema.safeParse(model);
    if (!parsed.success) throw new AsrError(ErrorCode.BadRequest, `invalid model record: ${parsed.error.message}`);
    const m = parsed.data;
    this.#db
      .prepare(
        `INSERT INTO models (name, path, sha256, size_bytes, installed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256,
           size_bytes = excluded.size_bytes, installed_at = excluded.installed_at`,
      )
      .run(m.name, m.path, m.sha256, m.sizeBytes, m.installedAt);
    return this.get(m.name)!;
  }

  /** Makes `name` the only active downloaded model; `undefined` clears it (the shipped model is used). */
  setActive(name: string | undefined): void {
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE models SET active = 0 WHERE active = 1').run();
      if (name === undefined) return;
      const changed = this.#db.prepare('UPDATE models SET active = 1 WHERE name = ?').run(name).changes;
      if (changed === 0) throw new AsrError(ErrorCode.ModelNotFound, `model '${name}' is not downloaded`);
    })();
  }

  active(): DownloadedModel | undefined {
    const row = this.#db.prepare('SELECT * FROM models WHERE active = 1').get() as ModelRow | undefined;
    return row && toModel(row);
  }

  /** Forgets a model; returns whether it was known. Deleting its files is the caller's job. */
  remove(name: string): boolean {
    return this.#db.prepare('DELETE FROM models WHERE name = ?').run(name).changes > 0;
  }
}

function toModel(r: ModelRow): DownloadedModel {
  return {
    name: r.name,
    path: r.path,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    active: r.active === 1,
    installedAt: r.installed_at,
  };
}
