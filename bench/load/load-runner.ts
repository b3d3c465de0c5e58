import { summarize, type Summary } from '../stats.ts';
import { runSession, type SessionOptions, type SessionOutcome } from './session-client.ts';

export interface LoadOptions extends Omit<SessionOptions, 'id' | 'runStart' | 'audio'> {
  sessions: number;
  /** Sessions start evenly spread over this window (0 = all at the same instant). */
  spreadMs: number;
  /** Audio clips, assigned round-robin to sessions. */
  clips: Int16Array[];
}

export interface LoadResult {
  sessions: number;
  successRate: number;
  succeeded: number;
  rejected: number;
  timedOut: number;
  errors: number;
  wallMs: number;
  audioSeconds: number;
  finalLatency: Summary;
  firstPartial: Summary;
  queueWait: Summary;
  ready: Summary;
  /** Connect → first answer (refusal, ready or queue position), over every session that got one. */
  firstResponse: Summary;
  /** Finals delivered twice for the same utterance, over all sessions (exactly-once: 0). */
  duplicateFinals: number;
  outcomes: SessionOutcome[];
}

/** Opens `sessions` protocol v1 sessions against one URL and waits for all of them. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const runStart = performance.now();
  const pending: Promise<SessionOutcome>[] = [];
  for (let i = 0; i < opts.sessions; i++) {
    const delay = opts.sessions > 1 ? (opts.spreadMs * i) / (opts.sessions - 1) : 0;
    const audio = opts.clips[i % opts.clips.length];
    pending.push(
      new Promise<void>((r) => setTimeout(r, delay)).then(() => runSession({ ...opts, audio, id: i, runStart })),
    );
  }
  const outcomes = await Promise.all(pending);
  const seconds = outcomes.map((o) => opts.clips[o.id % opts.clips.length].length / opts.sampleRate);
  return aggregateOutcomes(outcomes, seconds, performance.now() - runStart);
}

/** Totals and latency summaries of a set of sessions (`audioSeconds[i]`: audio of outcomes[i]). */
export function aggregateOutcomes(outcomes: SessionOutcome[], audioSeconds: readonly number[], wallMs: number): LoadResult {
  const ok = outcomes.filter((o) => o.success);
  return {
    sessions: outcomes.length,
    successRate: ok.length / Math.max(1, outcomes.length),
    succeeded: ok.length,
    rejected: outcomes.filter((o) => o.rejectedStatus !== undefined).length,
    timedOut: outcomes.filter((o) => o.timedOut).length,
    errors: outcomes.filter((o) => o.errorCode !== undefined && o.rejectedStatus === undefined).length,
    wallMs,
    audioSeconds: audioSeconds.reduce((a, b) => a + b, 0),
    finalLatency: summarize(ok.map((o) => o.finalLatencyMs ?? Number.NaN)),
    firstPartial: summarize(ok.map((o) => o.firstPartialMs ?? Number.NaN)),
    queueWait: summarize(ok.map((o) => o.queueWaitMs)),
    ready: summarize(ok.map((o) => o.readyMs ?? Number.NaN)),
    firstResponse: summarize(outcomes.map((o) => o.firstResponseMs ?? Number.NaN)),
    duplicateFinals: outcomes.reduce((a, o) => a + o.duplicateFinals, 0),
    outcomes,
  };
}
