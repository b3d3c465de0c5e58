import type { Database } from 'better-sqlite3';
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  settingsSchema,
  validateSettingsPatch,
  type SettingKey,
  type Settings,
  type SettingsPatch,
} from '../../shared/settings.ts';

/** Typed settings over a key/JSON table; missing or unreadable rows read as the default. */
export class SettingsRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get(): Settings {
    const rows = this.#db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>;
    const stored = new Map(rows.map((r) => [r.key, r.value]));
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const key of SETTING_KEYS) {
      const raw = stored.get(key);
      if (raw === undefined) continue;
      // A value written by another version that no longer validates falls back to the default
      // for that key only; the row stays, so a newer app reading it again loses nothing.
      const value = parseJson(raw);
      const checked = settingsSchema.shape[key].safeParse(value);
      if (checked.success) out[key] = checked.data;
    }
    return out as Settings;
  }

  /** Validates and applies a partial update; throws AsrError(InvalidConfig). Returns the new settings. */
  update(patch: unknown): Settings {
    const valid: SettingsPatch = validateSettingsPatch(patch);
    const upsert = this.#db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#db.transaction(() => {
      for (const [key, value] of Object.entries(valid) as Array<[SettingKey, unknown]>) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value));
      }
    })();
    return this.get();
  }

  /** Forgets every stored setting (back to defaults). */
  reset(): Settings {
    this.#db.prepare('DELETE FROM settings').run();
    return this.get();
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
