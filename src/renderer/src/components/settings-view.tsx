import { memo, useEffect, useState, type JSX } from 'react';
import type { EarshotApi, HotkeyStatus } from '../../../shared/ipc-contract.ts';
import type { InsertMode, Settings, SettingsPatch } from '../../../shared/settings.ts';
import { EndpointSwitch } from './endpoint-switch.tsx';
import { ReplacementsEditor } from './replacements-editor.tsx';
import { VocabularyEditor } from './vocabulary-editor.tsx';

export interface SettingsViewProps {
  api: EarshotApi;
  settings: Settings;
  desktop: boolean;
  onPatch(patch: SettingsPatch): Promise<boolean>;
}

function Check({ label, checked, onChange, disabled, hint }: { label: string; checked: boolean; onChange(v: boolean): void; disabled?: boolean; hint?: string }): JSX.Element {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {label}
        {hint && <span className="muted"> — {hint}</span>}
      </span>
    </label>
  );
}

/** A text/number field that commits on blur or Enter, so half-typed values are never saved. */
function CommitField({ label, value, onCommit, type = 'text', disabled, ...rest }: { label: string; value: string; onCommit(v: string): void; type?: string; disabled?: boolean; min?: number; max?: number; step?: number }): JSX.Element {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = () => draft !== value && onCommit(draft);
  return (
    <label className="field">
      <span>{label}</span>
      <input type={type} value={draft} disabled={disabled} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} {...rest} />
    </label>
  );
}

const DESKTOP_ONLY = 'desktop app only';

/** Where hold-to-talk works: it needs a key hook that sees key-up (see the README's desktop section). */
function holdToTalkHint(desktop: boolean, hotkey: HotkeyStatus | undefined): string {
  if (!desktop) return DESKTOP_ONLY;
  if (hotkey?.holdToTalkAvailable) return 'hold the hotkey while you speak; a quick tap toggles instead';
  const where = 'works on X11 (or XWayland), Windows and macOS with Accessibility permission';
  return hotkey?.holdToTalkReason ? `unavailable: ${hotkey.holdToTalkReason}; ${where}` : where;
}

/** Every user setting, grouped; each change is validated by the store and applied at once. */
function SettingsViewImpl({ api, settings: s, desktop, onPatch }: SettingsViewProps): JSX.Element {
  const [hotkey, setHotkey] = useState<HotkeyStatus | undefined>();
  useEffect(() => {
    void api.getHotkeyStatus().then(setHotkey, () => undefined);
    return api.on('hotkeyStatus', setHotkey);
  }, [api]);

  return (
    <div className="settings-view">
      <EndpointSwitch settings={s} onApply={onPatch} />

      <fieldset>
        <legend>Hotkey</legend>
        <CommitField label="Toggle dictation" value={s.toggleHotkey} disabled={!desktop} onCommit={(v) => void onPatch({ toggleHotkey: v })} />
        {hotkey && (
          <p className={hotkey.registered ? 'muted' : 'message message-notice'}>
            {hotkey.registered ? `${hotkey.accelerator} is active system-wide.` : (hotkey.error ?? `${hotkey.accelerator} could not be registered.`)}
          </p>
        )}
        <Check
          label="Hold to talk"
          checked={s.holdToTalk}
          // Switching it off stays possible when the hook went away.
          disabled={!desktop || (!hotkey?.holdToTalkAvailable && !s.holdToTalk)}
          hint={holdToTalkHint(desktop, hotkey)}
          onChange={(v) => void onPatch({ holdToTalk: v })}
        />
      </fieldset>

      <fieldset>
        <legend>Inserting text</legend>
        <label className="field">
          <span>When a sentence is final</span>
          <select value={s.insertMode} disabled={!desktop} onChange={(e) => void onPatch({ insertMode: e.target.value as InsertMode })}>
            <option value="paste">Paste it where the cursor is</option>
            <option value="type">Type it where the cursor is</option>
            <option value="copy">Only copy it to the clipboard</option>
          </select>
        </label>
        <Check label="Restore my clipboard after pasting" checked={s.restoreClipboard} disabled={!desktop} onChange={(v) => void onPatch({ restoreClipboard: v })} />
        {!desktop && <p className="muted">Inserting into other applications: {DESKTOP_ONLY}.</p>}
      </fieldset>

      <fieldset>
        <legend>Formatting</legend>
        <Check label="Spoken punctuation" hint={'"comma", "period", "new line", "scratch that"'} checked={s.spokenPunctuation} onChange={(v) => void onPatch({ spokenPunctuation: v })} />
        <Check label="Capitalize sentences" checked={s.autoCapitalize} onChange={(v) => void onPatch({ autoCapitalize: v })} />
      </fieldset>

      <ReplacementsEditor rules={s.replacements} onChange={(replacements) => void onPatch({ replacements })} />

      <VocabularyEditor words={s.vocabulary} onChange={(vocabulary) => void onPatch({ vocabulary })} />

      <fieldset>
        <legend>Hands-free</legend>
        <Check label="Stop by itself after a pause" checked={s.handsFree} onChange={(v) => void onPatch({ handsFree: v })} />
        <CommitField
          label="Pause length (seconds)"
          type="number"
          min={0.3}
          max={60}
          step={0.1}
          value={String(s.handsFreeSilenceMs / 1000)}
          disabled={!s.handsFree}
          onCommit={(v) => void onPatch({ handsFreeSilenceMs: Math.round(Number(v) * 1000) })}
        />
        <CommitField
          label="Silence below (dBFS)"
          type="number"
          min={-100}
          max={0}
          step={1}
          value={String(s.silenceThresholdDb)}
          disabled={!s.handsFree}
          onCommit={(v) => void onPatch({ silenceThresholdDb: Number(v) })}
        />
      </fieldset>

      <fieldset>
        <legend>App</legend>
        <Check label="Start Earshot when I log in" checked={s.startOnLogin} disabled={!desktop} hint={desktop ? undefined : DESKTOP_ONLY} onChange={(v) => void onPatch({ startOnLogin: v })} />
        <Check label="Keep a history of my dictations" checked={s.saveHistory} onChange={(v) => void onPatch({ saveHistory: v })} />
      </fieldset>
    </div>
  );
}

/** Memoized: dictation updates (levels, partials) re-render the app many times a second. */
export const SettingsView = memo(SettingsViewImpl);
