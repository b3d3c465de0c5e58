import type { WaitingRoom } from './waiting-room.ts';

export interface QueueStatus {
  /** 1-based position in the waiting room. */
  position: number;
  /** Sessions waiting in total. */
  pending: number;
  /** Estimated wait until admission. */
  eta_ms: number;
}

export interface AdmissionCallbacks {
  /** Decoding may start now. Called at most once, possibly synchronously inside enter(). */
  admitted(): void;
}

export type AdmissionDecision = 'admitted' | 'waiting' | 'rejected';

/**
 * Admission control as the gateway sees it. The in-memory controller below serves one gateway;
 * a cluster implementation keeps the same contract over a global Redis waiting room.
 */
export interface AdmissionControl {
  /** Asks to decode `id`: admitted now, queued (callbacks.admitted later), or rejected (room full). */
  enter(id: string, callbacks: AdmissionCallbacks): AdmissionDecision;
  /** The session is gone (ended, failed, or left the queue); frees its slot or its place. */
  leave(id: string): void;
  queueStatus(id: string): QueueStatus | undefined;
  /** Ids waiting, head first. */
  waitingIds(): string[];
  /** True when a new session could only be rejected: answer the handshake with 503. */
  overloaded(): boolean;
  /** Suggested Retry-After for a 503, from the measured service rate. */
  retryAfterSeconds(): number;
  readonly activeCount: number;
  readonly waitingCount: number;
}

export interface AdmissionControllerOptions {
  /** Streams decoded at once; read on every decision so it can change at run time. */
  capacity: () => number;
  maxWaiting: number;
  waitingRoom: WaitingRoom;
  /** Session duration assumed before any session finished. */
  initialSessionEstimateMs: number;
  now?: () => number;
  /** Called after each admission out of the waiting room (positions behind it changed). */
  onQueueChanged?: () => void;
}

/** Weight of the newest session in the moving average of session durations. */
const EWMA_ALPHA = 0.2;

/** FIFO admission up to capacity; ETAs from a moving average of how long admitted sessions hold a slot. */
export class AdmissionController implements AdmissionControl {
  private readonly active = new Map<string, number>();
  private readonly pending = new Map<string, AdmissionCallbacks>();
  private meanHoldMs: number;
  private readonly now: () => number;

  constructor(private readonly options: AdmissionControllerOptions) {
    this.meanHoldMs = options.initialSessionEstimateMs;
    this.now = options.now ?? Date.now;
  }

  get activeCount(): number {
    return this.active.size;
  }

  get waitingCount(): number {
    return this.options.waitingRoom.size;
  }

  get averageSessionMs(): number {
    return this.meanHoldMs;
  }

  enter(id: string, callbacks: AdmissionCallbacks): AdmissionDecision {
    if (this.active.has(id) || this.pending.has(id)) throw new Error(`session ${id} entered twice`);
    // Nobody overtakes the queue: a free slot goes to the head first.
    if (this.waitingCount === 0 && this.active.size < this.options.capacity()) {
      this.active.set(id, this.now());
      callbacks.admitted();
      return 'admitted';
    }
    if (this.waitingCount >= this.options.maxWaiting) return 'rejected';
    this.pending.set(id, callbacks);
    this.options.waitingRoom.add(id);
    this.pump();
    return this.active.has(id) ? 'admitted' : 'waiting';
  }

  leave(id: string): void {
    const since = this.active.get(id);
    if (since !== undefined) {
      this.active.delete(id);
      const held = Math.max(1, this.now() - since);
      this.meanHoldMs += EWMA_ALPHA * (held - this.meanHoldMs);
    } else if (this.pending.delete(id)) {
      this.options.waitingRoom.remove(id);
      this.options.onQueueChanged?.();
    }
    this.pump();
  }

  /** Re-reads capacity and admits from the head while slots are free. */
  pump(): void {
    let moved = false;
    while (this.active.size < this.options.capacity()) {
      const head = this.options.waitingRoom.shift();
      if (head === undefined) break;
      const callbacks = this.pending.get(head);
      this.pending.delete(head);
      if (!callbacks) continue;
      this.active.set(head, this.now());
      moved = true;
      callbacks.admitted();
    }
    if (moved) this.options.onQueueChanged?.();
  }

  queueStatus(id: string): QueueStatus | undefined {
    const position = this.options.waitingRoom.position(id);
    if (position === 0) return undefined;
    return { position, pending: this.waitingCount, eta_ms: this.etaMs(position) };
  }

  waitingIds(): string[] {
    return [...this.options.waitingRoom.ids()];
  }

  overloaded(): boolean {
    return this.waitingCount >= this.options.maxWaiting && this.active.size >= this.options.capacity();
  }

  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.etaMs(this.waitingCount + 1) / 1000));
  }

  /** Fluid estimate: `capacity` slots each turn over once per mean session duration. */
  private etaMs(position: number): number {
    const capacity = Math.max(1, Math.min(this.options.capacity(), Number.MAX_SAFE_INTEGER));
    return Math.round((position * this.meanHoldMs) / capacity);
  }
}
