/**
 * The FIFO of sessions waiting for decoding capacity. Small on purpose: a Redis-backed global
 * waiting room (one ordered set across gateways) implements the same interface.
 */
export interface WaitingRoom {
  readonly size: number;
  /** Appends `id` at the tail; returns its 1-based position. Adding a present id keeps its place. */
  add(id: string): number;
  /** Removes `id` wherever it stands; false when it was not there. */
  remove(id: string): boolean;
  /** Removes and returns the head. */
  shift(): string | undefined;
  /** 1-based position, or 0 when absent. */
  position(id: string): number;
  /** Ids from head to tail. */
  ids(): IterableIterator<string>;
}

/**
 * In-memory FIFO: a Set keeps insertion order, so head removal and membership are O(1). Positions
 * are cached and rebuilt in one pass after a change, so telling all n waiting sessions their
 * position every second costs O(n), not O(n²).
 */
export class InMemoryWaitingRoom implements WaitingRoom {
  private readonly queue = new Set<string>();
  private positions: Map<string, number> | undefined;

  get size(): number {
    return this.queue.size;
  }

  add(id: string): number {
    if (!this.queue.has(id)) {
      this.queue.add(id);
      this.positions?.set(id, this.queue.size); // appending moves nobody else
    }
    return this.position(id);
  }

  remove(id: string): boolean {
    const removed = this.queue.delete(id);
    if (removed) this.positions = undefined;
    return removed;
  }

  shift(): string | undefined {
    const head = this.queue.values().next();
    if (head.done) return undefined;
    this.queue.delete(head.value);
    this.positions = undefined;
    return head.value;
  }

  position(id: string): number {
    if (!this.positions) {
      this.positions = new Map();
      let i = 0;
      for (const other of this.queue) this.positions.set(other, ++i);
    }
    return this.positions.get(id) ?? 0;
  }

  ids(): IterableIterator<string> {
    return this.queue.values();
  }
}
