import type { Logger } from 'pino';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import type { AdmissionCallbacks, AdmissionControl, AdmissionDecision, QueueStatus } from '../gateway/admission-controller.ts';
import type { GatewayLink } from './gateway-link.ts';

interface Entry {
  callbacks: AdmissionCallbacks;
  state: 'entering' | 'waiting' | 'admitted';
  position: number;
  admittedAt: number;
}

/**
 * Global admission over Redis (one waiting room across gateways, capacity = sum of live workers),
 * behind the gateway's synchronous AdmissionControl. Decisions are made atomically in Redis;
 * this class answers from what the last tick saw. enter() therefore says 'waiting' and admits
 * asynchronously. When Redis refuses (room full, Redis down) the session is handed on with a
 * refusal noted on the link, and the transport's open() rejects it with that code.
 */
export class RedisAdmissionControl implements AdmissionControl {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly link: GatewayLink,
    private readonly maxWaiting: number,
    private readonly logger: Logger,
    private readonly initialSessionEstimateMs = 10_000,
    private readonly now: () => number = Date.now,
    /** Called when queue positions may have changed (the gateway sends queue_status). */
    private readonly onQueueChanged: () => void = () => undefined,
  ) {
    link.waitingIds = () => this.waitingIds();
    link.onTick((t, asked) => this.applyTick(t.positions, asked));
    link.onLost(() => {
      // Waiting sessions cannot be admitted any more: hand them to the transport, which refuses them.
      for (const [id, e] of this.entries) if (e.state !== 'admitted') this.refuse(id, e, ErrorCode.BackendUnavailable, 'lost the connection to the cluster store (Redis)');
    });
  }

  get activeCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state === 'admitted') n++;
    return n;
  }

  get waitingCount(): number {
    return this.entries.size - this.activeCount;
  }

  enter(id: string, callbacks: AdmissionCallbacks): AdmissionDecision {
    if (this.entries.has(id)) throw new Error(`session ${id} entered twice`);
    const entry: Entry = { callbacks, state: 'entering', position: 0, admittedAt: 0 };
    this.entries.set(id, entry);
    if (!this.link.isConnected) {
      this.refuse(id, entry, ErrorCode.BackendUnavailable, 'the cluster store (Redis) is unreachable');
      return 'waiting';
    }
    this.link.store.admit(id, this.link.id, this.maxWaiting).then(
      (r) => {
        if (this.entries.get(id) !== entry) return void this.link.store.leave(id, this.link.id, 0).catch(() => undefined);
        if (r.state === 'admitted') this.admit(entry);
        else if (r.state === 'rejected') this.refuse(id, entry, ErrorCode.Overloaded, 'the global waiting room is full; retry later');
        else if (entry.state === 'entering') {
          entry.state = 'waiting';
          entry.position = r.position;
          this.onQueueChanged();
        }
      },
      (err) => this.refuse(id, entry, ErrorCode.BackendUnavailable, `admission failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return 'waiting';
  }

  leave(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const held = entry.state === 'admitted' ? Math.max(1, this.now() - entry.admittedAt) : 0;
    if (this.link.isConnected) {
      this.link.store.leave(id, this.link.id, held).catch((err) => this.logger.warn({ session: id, err: String(err) }, 'could not leave admission; the slot frees when this gateway is reaped'));
    }
  }

  queueStatus(id: string): QueueStatus | undefined {
    const e = this.entries.get(id);
    if (!e || e.state !== 'waiting' || e.position <= 0) return undefined;
    return { position: e.position, pending: Math.max(this.link.last.waiting, e.position), eta_ms: this.etaMs(e.position) };
  }

  waitingIds(): string[] {
    const out: string[] = [];
    for (const [id, e] of this.entries) if (e.state === 'waiting') out.push(id);
    return out;
  }

  overloaded(): boolean {
    const t = this.link.last;
    return t.waiting >= this.maxWaiting && t.active >= t.capacity;
  }

  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.etaMs(this.link.last.waiting + 1) / 1000));
  }

  /** Fluid estimate, as the in-memory controller: `capacity` slots each turn over once per mean session. */
  private etaMs(position: number): number {
    const t = this.link.last;
    const hold = t.meanHoldMs > 0 ? t.meanHoldMs : this.initialSessionEstimateMs;
    return Math.round((position * hold) / Math.max(1, t.capacity));
  }

  private applyTick(positions: number[], asked: string[]): void {
    let changed = false;
    asked.forEach((id, i) => {
      const e = this.entries.get(id);
      if (!e || e.state !== 'waiting') return;
      const p = positions[i];
      if (p === 0) this.admit(e);
      else if (p > 0 && p !== e.position) {
        e.position = p;
        changed = true;
      } else if (p === -1) this.refuse(id, e, ErrorCode.BackendUnavailable, 'the cluster lost this session\u2019s place in the waiting room');
    });
    if (changed) this.onQueueChanged();
  }

  private admit(e: Entry): void {
    if (e.state === 'admitted') return;
    e.state = 'admitted';
    e.admittedAt = this.now();
    e.callbacks.admitted();
  }

  private refuse(id: string, e: Entry, code: ErrorCode, message: string): void {
    if (e.state === 'admitted') return;
    this.link.noteRefusal(id, code, message);
    this.admit(e);
  }
}
