import { z } from 'zod';
import { AsrError } from './errors.ts';
import { MAX_HOTWORD_LENGTH, MAX_HOTWORDS } from './protocol/codec.ts';
import { ErrorCode } from './protocol/error-codes.ts';

/** A user replacement rule: saying `from` (whole words, any case) writes `to`. */
export const replacementRuleSchema = z.object({
  from: z.string().trim().min(1).max(200),
  to: z.string().max(2000),
});
export type ReplacementRule = z.infer<typeof replacementRuleSchema>;

/** How a final reaches the focused application. */
export const insertModeSchema = z.enum(['paste', 'type', 'copy']);
export type InsertMode = z.infer<typeof insertModeSchema>;

/** Which gateway the app talks to: its embedded engine or a team cluster. */
export const engineModeSchema = z.enum(['local', 'remote']);
export type EngineMode = z.infer<typeof engineModeSchema>;

/**
 * Where the local engine runs its model: `gpu` tries the platform's GPU providers first and
 * falls back to the CPU when none loads (the engine reports which one it really uses).
 */
export const executionProviderSchema = z.enum(['cpu', 'gpu']);
export type ExecutionProvider = z.infer<typeof executionProviderSchema>;

const remoteUrlSchema = z
  .string()
  .max(2000)
  .refine((s) => s === '' || /^wss?:\/\/[^\s/]+/i.test(s), 'must be a ws:// or wss:// URL');

/**
 * Every user setting, flat so that a patch is a plain partial object and each key is one row
 * in the store. Field schemas carry no `.default()`: zod 4 applies defaults even inside
 * `.partial()`, which would turn every patch into a reset.
 */
const settingsShape = {
  /** `local`: the embedded gateway; `remote`: `remoteUrl` with `remoteToken`. */
  engineMode: engineModeSchema,
  remoteUrl: remoteUrlSchema,
  remoteToken: z.string().max(4096),
  /** Electron accelerator that toggles dictation. */
  toggleHotkey: z.string().min(1).max(100),
  /** Hold-to-talk needs a key-up hook; Electron's globalShortcut has none (see README). */
  holdToTalk: z.boolean(),
  insertMode: insertModeSchema,
  /** Put the user's clipboard back after pasting. */
  restoreClipboard: z.boolean(),
  /** How long the target app gets to consume the paste before the clipboard is restored. */
  clipboardRestoreDelayMs: z.number().int().min(0).max(10_000),
  spokenPunctuation: z.boolean(),
  autoCapitalize: z.boolean(),
  replacements: z.array(replacementRuleSchema).max(1000),
  /**
   * Custom vocabulary: words and phrases (names, jargon) the recognizer should favour, sent as
   * protocol v1 `hotwords` (limits as the gateway's). Rows of older versions lack it: empty.
   */
  vocabulary: z.array(z.string().trim().min(1).max(MAX_HOTWORD_LENGTH)).max(MAX_HOTWORDS),
  /** Hands-free: dictation stops by itself after `handsFreeSilenceMs` of silence. */
  handsFree: z.boolean(),
  handsFreeSilenceMs: z.number().int().min(300).max(60_000),
  /** Level (dBFS) under which audio counts as silence for hands-free mode. */
  silenceThresholdDb: z.number().min(-100).max(0),
  startOnLogin: z.boolean(),
  activeModel: z.string().min(1).max(200),
  /** CPU or GPU for the local engine; a change restarts it. Rows of older versions lack it: default. */
  executionProvider: executionProviderSchema,
  /** Keep dictations in the local history (off: nothing new is written to disk). */
  saveHistory: z.boolean(),
};

export const settingsSchema = z.object(settingsShape).strict();
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

/** A partial update; unknown keys are rejected so a typo never silently does nothing. */
export const settingsPatchSchema = z.object(settingsShape).partial().strict();
export type SettingsPatch = Partial<Settings>;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  engineMode: 'local',
  remoteUrl: '',
  remoteToken: '',
  toggleHotkey: 'CommandOrControl+Shift+Space',
  holdToTalk: false,
  insertMode: 'paste',
  restoreClipboard: true,
  clipboardRestoreDelayMs: 400,
  spokenPunctuation: true,
  autoCapitalize: true,
  replacements: [],
  vocabulary: [],
  handsFree: false,
  handsFreeSilenceMs: 2000,
  silenceThresholdDb: -45,
  startOnLogin: false,
  activeModel: 'earshot-en-small',
  executionProvider: 'cpu',
  saveHistory: true,
});

export const SETTING_KEYS = Object.keys(settingsShape) as SettingKey[];

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Validates a complete settings object (missing keys take defaults); throws AsrError(InvalidConfig). */
export function validateSettings(value: unknown): Settings {
  const input = value !== null && typeof value === 'object' ? { ...DEFAULT_SETTINGS, ...value } : value;
  const result = settingsSchema.safeParse(input);
  if (!result.success) throw new AsrError(ErrorCode.InvalidConfig, `invalid settings: ${describe(result.error)}`);
  return result.data;
}

/** Validates a settings patch; throws AsrError(InvalidConfig). */
export function validateSettingsPatch(value: unknown): SettingsPatch {
  const result = settingsPatchSchema.safeParse(value);
  if (!result.success) throw new AsrError(ErrorCode.InvalidConfig, `invalid settings: ${describe(result.error)}`);
  return result.data;
}

/** Remote mode is usable only with a URL; the app checks before switching. */
export function validateEndpointSettings(s: Settings): void {
  if (s.engineMode === 'remote' && s.remoteUrl === '') {
    throw new AsrError(ErrorCode.InvalidConfig, 'team cluster mode needs a remote URL (ws:// or wss://)');
  }
}
