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

/** In-memory FIFO: a Set keeps insertion order, so head removal and membership are O(1). */
export class InMemoryWaitingRoom implements WaitingRoom {
  private readonly queue = new Set<string>();

  get size(): number {
    return this.queue.size;
  }

  add(id: string): number {
    this.queue.add(id);
    return this.position(id);
  }

  remove(id: string): boolean {
    return this.queue.delete(id);
  }

  shift(): string | undefined {
    const head = this.queue.values().next();
    if (head.done) return undefined;
    this.queue.delete(head.value);
    return head.value;
  }

  position(id: string): number {
    if (!this.queue.has(id)) return 0;
    let i = 0;
    for (const other of this.queue) {
      i++;
      if (other === id) return i;
    }
    return 0;
  }

  ids(): IterableIterator<string> {
    return this.queue.values();
  }
}
