import { type JSX } from 'react';

const FLOOR_DB = -60;

/** Input level as a meter: RMS bar with a peak mark, in dBFS. */
export function LevelMeter({ rmsDb, peakDb, active }: { rmsDb: number; peakDb: number; active: boolean }): JSX.Element {
  const pct = (db: number) => Math.max(0, Math.min(100, ((db - FLOOR_DB) / -FLOOR_DB) * 100));
  const rms = active ? rmsDb : FLOOR_DB;
  return (
    <div
      className="level-meter"
      role="meter"
      aria-label="Microphone level"
      aria-valuemin={FLOOR_DB}
      aria-valuemax={0}
      aria-valuenow={Math.round(Math.max(FLOOR_DB, rms))}
      aria-valuetext={active ? `${Math.round(Math.max(FLOOR_DB, rms))} dB` : 'microphone off'}
      data-testid="level-meter"
    >
      <div className="level-meter-bar" style={{ width: `${pct(rms)}%` }} />
      {active && <div className="level-meter-peak" style={{ left: `${pct(peakDb)}%` }} />}
    </div>
  );
}
