/** The waiting-room state as the banner needs it. */
export interface QueuePosition {
  position: number;
  pending: number;
  etaMs: number;
  /** When the server's `queue_status` arrived (ms, same clock as `now`). */
  receivedAt: number;
}

/** ETA left now: the server's estimate minus the time since it was sent, never negative. */
export function remainingMs(q: QueuePosition, now: number): number {
  return Math.max(0, q.etaMs - Math.max(0, now - q.receivedAt));
}

export function formatEta(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s <= 0) return 'any moment now';
  if (s < 90) return `about ${s} s`;
  return `about ${Math.round(s / 60)} min`;
}

/** "You are number 12 in the queue — about 40 s" */
export function queueBannerText(q: QueuePosition, now: number): string {
  return `You are number ${q.position} in the queue — ${formatEta(remainingMs(q, now))}`;
}
