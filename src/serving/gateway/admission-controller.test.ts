import { describe, expect, it } from 'vitest';
import { AdmissionController } from './admission-controller.ts';
import { InMemoryWaitingRoom } from './waiting-room.ts';

function controller(capacity: number, maxWaiting = 10) {
  let now = 0;
  let cap = capacity;
  const admitted: string[] = [];
  let queueChanges = 0;
  const ctl = new AdmissionController({
    capacity: () => cap,
    maxWaiting,
    waitingRoom: new InMemoryWaitingRoom(),
    initialSessionEstimateMs: 10_000,
    now: () => now,
    onQueueChanged: () => queueChanges++,
  });
  const enter = (id: string) => ctl.enter(id, { admitted: () => admitted.push(id) });
  return {
    ctl,
    enter,
    admitted,
    advance: (ms: number) => (now += ms),
    setCapacity: (c: number) => (cap = c),
    queueChanges: () => queueChanges,
  };
}

describe('AdmissionController', () => {
  it('admits up to capacity, then queues in FIFO order', () => {
    const t = controller(2);
    expect(['a', 'b', 'c', 'd'].map(t.enter)).toEqual(['admitted', 'admitted', 'waiting', 'waiting']);
    expect(t.admitted).toEqual(['a', 'b']);
    expect(t.ctl.waitingIds()).toEqual(['c', 'd']);
    t.ctl.leave('b');
    expect(t.admitted).toEqual(['a', 'b', 'c']);
    expect(t.ctl.queueStatus('d')).toMatchObject({ position: 1, pending: 1 });
    t.ctl.leave('a');
    expect(t.admitted).toEqual(['a', 'b', 'c', 'd']);
    expect(t.ctl.waitingCount).toBe(0);
    expect(t.ctl.activeCount).toBe(2);
  });

  it('never lets a newcomer overtake the queue', () => {
    const t = controller(1);
    t.enter('a');
    t.enter('b');
    t.ctl.leave('a'); // b is admitted
    expect(t.enter('c')).toBe('waiting');
    expect(t.admitted).toEqual(['a', 'b']);
  });

  it('a waiting session that leaves frees its place and moves the others up', () => {
    const t = controller(1);
    ['a', 'b', 'c', 'd'].forEach(t.enter);
    const before = t.queueChanges();
    t.ctl.leave('c');
    expect(t.ctl.queueStatus('d')?.position).toBe(2);
    expect(t.queueChanges()).toBeGreaterThan(before);
    t.ctl.leave('a');
    expect(t.admitted).toEqual(['a', 'b']);
  });

  it('rejects once the waiting room is full and reports overload', () => {
    const t = controller(1, 2);
    expect(['a', 'b', 'c', 'd'].map(t.enter)).toEqual(['admitted', 'waiting', 'waiting', 'rejected']);
    expect(t.ctl.overloaded()).toBe(true);
    t.ctl.leave('b');
    expect(t.ctl.overloaded()).toBe(false);
  });

  it('estimates the wait from measured session durations and capacity', () => {
    const t = controller(2);
    ['a', 'b', 'c', 'd', 'e'].forEach(t.enter);
    // Before any measurement: position * 10 s / 2 slots.
    expect(t.ctl.queueStatus('e')?.eta_ms).toBe(15_000);
    t.advance(2000);
    t.ctl.leave('a'); // held 2 s: the average moves towards 2 s
    const eta = t.ctl.queueStatus('e')!.eta_ms;
    expect(eta).toBeLessThan(10_000);
    expect(t.ctl.retryAfterSeconds()).toBeGreaterThanOrEqual(1);
    expect(t.ctl.averageSessionMs).toBeCloseTo(10_000 + 0.2 * (2000 - 10_000));
  });

  it('admits more when capacity grows', () => {
    const t = controller(1);
    ['a', 'b', 'c'].forEach(t.enter);
    t.setCapacity(3);
    t.ctl.pump();
    expect(t.admitted).toEqual(['a', 'b', 'c']);
  });

  it('refuses the same id twice', () => {
    const t = controller(1);
    t.enter('a');
    expect(() => t.enter('a')).toThrow();
  });
});
