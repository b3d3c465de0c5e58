import { type JSX } from 'react';
import type { DictationPhase } from '../dictation/dictation-controller.ts';

const LABELS: Record<DictationPhase, string> = {
  idle: 'Start dictation',
  starting: 'Starting…',
  active: 'Stop dictation',
  stopping: 'Finishing…',
};

/** The big toggle; Space/Enter work because it is a real button. */
export function RecordButton({ phase, onToggle, hotkey }: { phase: DictationPhase; onToggle(): void; hotkey?: string }): JSX.Element {
  const recording = phase === 'active' || phase === 'starting';
  return (
    <button
      type="button"
      className={`record-button ${recording ? 'is-recording' : ''}`}
      aria-pressed={recording}
      disabled={phase === 'stopping'}
      onClick={onToggle}
      data-testid="record-button"
    >
      <span className="record-dot" aria-hidden="true" />
      <span>{LABELS[phase]}</span>
      {hotkey && <kbd className="record-hotkey">{hotkey}</kbd>}
    </button>
  );
}
