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

describe('InMemoryWaitingRoom positions after many changes', () => {
  it('stays consistent with a plain array model', () => {
    const room = new InMemoryWaitingRoom();
    const model: string[] = [];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let step = 0; step < 2000; step++) {
      const op = rand(3);
      if (op === 0 || model.length === 0) {
        const id = `s${step}`;
        model.push(id);
        expect(room.add(id)).toBe(model.length);
      } else if (op === 1) {
        expect(room.shift()).toBe(model.shift());
      } else {
        const victim = model.splice(rand(model.length), 1)[0];
        expect(room.remove(victim)).toBe(true);
      }
      if (model.length > 0) {
        const probe = model[rand(model.length)];
        expect(room.position(probe)).toBe(model.indexOf(probe) + 1);
      }
      expect(room.size).toBe(model.length);
    }
    expect([...room.ids()]).toEqual(model);
  });
});
