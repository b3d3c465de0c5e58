import { type JSX } from 'react';
import type { DictationSnapshot } from '../dictation/dictation-controller.ts';
import { transcriptText } from '../dictation/transcript.ts';
import { DevicePicker } from './device-picker.tsx';
import { LevelMeter } from './level-meter.tsx';
import { LiveTranscript } from './live-transcript.tsx';
import { QueueBanner } from './queue-banner.tsx';
import { RecordButton } from './record-button.tsx';

export interface DictateViewProps {
  dictation: DictationSnapshot;
  deviceId: string;
  onDeviceChange(id: string): void;
  onToggle(): void;
  onCopy(text: string): void;
  hotkey: string | undefined;
}

function formatClock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The main view: record, see the level, the queue, live and final text. */
export function DictateView({ dictation, deviceId, onDeviceChange, onToggle, onCopy, hotkey }: DictateViewProps): JSX.Element {
  const d = dictation;
  const text = transcriptText(d.transcript);
  const live = d.phase === 'active' || d.phase === 'starting';
  return (
    <div className="dictate-view">
      <div className="dictate-controls">
        <RecordButton phase={d.phase} onToggle={onToggle} hotkey={hotkey} />
        <div className="dictate-side">
          <DevicePicker value={deviceId} onChange={onDeviceChange} disabled={d.phase !== 'idle'} refreshKey={d.phase} />
          <LevelMeter rmsDb={d.level.rmsDb} peakDb={d.level.peakDb} active={live} />
        </div>
      </div>
      <QueueBanner queue={d.connection === 'waiting' ? d.queue : undefined} />
      {d.error && (
        <p className="message message-error" role="alert" data-testid="dictation-error">
          {d.error.message} <code>{d.error.code}</code>
        </p>
      )}
      {d.notice && (
        <p className="message message-notice" role="status">
          {d.notice}
        </p>
      )}
      <LiveTranscript text={text} partial={d.transcript.partial} />
      <div className="transcript-actions">
        <button type="button" onClick={() => onCopy(text)} disabled={text === ''}>
          Copy text
        </button>
        <span className="muted" data-testid="audio-duration" data-audio-ms={Math.round(d.audioMs)}>
          {formatClock(d.audioMs)} recorded
        </span>
        {d.model && <span className="muted">Model: {d.model}</span>}
      </div>
    </div>
  );
}
