import { DEFAULT_SETTINGS, validateSettings, validateSettingsPatch, type Settings, type SettingsPatch } from '../../../shared/settings.ts';

const KEY = 'earshot.settings.v1';

/** The web UI's settings, in localStorage, validated like the desktop store's. */
export class WebSettingsStore {
  constructor(private readonly storage: Storage) {}

  get(): Settings {
    const raw = this.storage.getItem(KEY);
    if (!raw) return { ...DEFAULT_SETTINGS };
    try {
      return validateSettings(JSON.parse(raw));
    } catch {
      // Damaged or from an incompatible version: start over rather than refuse to load.
      return { ...DEFAULT_SETTINGS };
    }
  }

  /** Applies a patch; throws AsrError(InvalidConfig) and changes nothing when it is invalid. */
  set(patch: SettingsPatch): Settings {
    const next = validateSettings({ ...this.get(), ...validateSettingsPatch(patch) });
    this.storage.setItem(KEY, JSON.stringify(next));
    return next;
  }

  /** The storage key, to recognize changes made in another tab (`storage` events). */
  static readonly key = KEY;
}
