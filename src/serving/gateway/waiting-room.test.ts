import { describe, expect, it } from 'vitest';
import { InMemoryWaitingRoom } from './waiting-room.ts';

describe('InMemoryWaitingRoom', () => {
  it('is first in, first out with 1-based positions', () => {
    const room = new InMemoryWaitingRoom();
    expect(room.add('a')).toBe(1);
    expect(room.add('b')).toBe(2);
    expect(room.add('c')).toBe(3);
    expect(room.position('c')).toBe(3);
    expect(room.shift()).toBe('a');
    expect(room.position('c')).toBe(2);
    expect([...room.ids()]).toEqual(['b', 'c']);
  });

  it('removes from the middle and reports absent ids as position 0', () => {
    const room = new InMemoryWaitingRoom();
    for (const id of ['a', 'b', 'c']) room.add(id);
    expect(room.remove('b')).toBe(true);
    expect(room.remove('b')).toBe(false);
    expect(room.position('b')).toBe(0);
    expect(room.position('c')).toBe(2);
    expect(room.size).toBe(2);
  });

  it('keeps the place of an id added twice and shifts nothing when empty', () => {
    const room = new InMemoryWaitingRoom();
    room.add('a');
    room.add('b');
    expect(room.add('a')).toBe(1);
    expect(room.size).toBe(2);
    room.shift();
    room.shift();
    expect(room.shift()).toBeUndefined();
  });
});
