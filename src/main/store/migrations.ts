import type { Database } from 'better-sqlite3';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** One schema step. Versions start at 1 and increase by one; a released step never changes. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/** The app's schema, oldest first. Append new steps; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'history with full-text search, settings, downloaded models',
    up(db) {
      db.exec(`
        CREATE TABLE history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          text TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          model TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('local', 'remote')),
          segments TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX history_by_time ON history (created_at DESC, id DESC);

        -- External-content FTS5 index over history.text, kept in step by triggers.
        CREATE VIRTUAL TABLE history_fts USING fts5(
          text, content = 'history', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER history_ai AFTER INSERT ON history BEGIN
          INSERT INTO history_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER history_ad AFTER DELETE ON history BEGIN
          INSERT INTO history_fts (history_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER history_au AFTER UPDATE OF text ON history BEGIN
          INSERT INTO history_fts (history_fts, rowid, text) VALUES ('delete', old.id, old.text);
          INSERT INTO history_fts (rowid, text) VALUES (new.id, new.text);
        END;

        -- One row per setting; the value is JSON, validated against the settings schema on read.
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

        CREATE TABLE models (
          name TEXT PRIMARY KEY,
          path TEXT NOT NULL,
          sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
          size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
          active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
          installed_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active = 1;
      `);
    },
  },
];

/** The version the database is at (0: empty). */
export function schemaVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

/**
 * Brings the database to the last migration, each step in its own transaction so a failed
 * step leaves the previous version intact. Returns the versions applied.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new AsrError(ErrorCode.Internal, `migration #${i} has version ${m.version}, expected ${i + 1}`);
    }
  });
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new AsrError(
      ErrorCode.InvalidConfig,
      `the database is at schema version ${current}, newer than this Earshot knows (${migrations.length}); update the app`,
    );
  }
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    })();
    applied.push(m.version);
  }
  return applied;
}
