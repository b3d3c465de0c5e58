import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { HistoryRepository } from './history-repository.ts';
import { migrate } from './migrations.ts';
import { ModelRepository } from './model-repository.ts';
import { SettingsRepository } from './settings-repository.ts';

/** The app's local database: history, settings and downloaded models in one SQLite file. */
export interface Store {
  readonly history: HistoryRepository;
  readonly settings: SettingsRepository;
  readonly models: ModelRepository;
  close(): void;
}

/**
 * Opens (creating and migrating) the store at `path` (`:memory:` for a throwaway one).
 * The path is injected: the app passes a file under `app.getPath('userData')`.
 */
export function openStore(path: string): Store {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (err) {
    throw new AsrError(ErrorCode.Internal, `cannot open the database at ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // A second app instance or a backup tool may hold the lock briefly.
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    history: new HistoryRepository(db),
    settings: new SettingsRepository(db),
    models: new ModelRepository(db),
    close: () => db.close(),
  };
}
