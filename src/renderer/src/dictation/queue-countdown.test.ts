import { describe, expect, it } from 'vitest';
import { formatEta, queueBannerText, remainingMs } from './queue-countdown.ts';

describe('queue countdown', () => {
  const q = { position: 12, pending: 30, etaMs: 40_000, receivedAt: 1_000 };

  it('says where you stand and how long it should take', () => {
    expect(queueBannerText(q, 1_000)).toBe('You are number 12 in the queue — about 40 s');
  });

  it('counts down between server updates and stops at zero', () => {
    expect(queueBannerText(q, 4_000)).toBe('You are number 12 in the queue — about 37 s');
    expect(remainingMs(q, 100_000)).toBe(0);
    expect(queueBannerText(q, 100_000)).toBe('You are number 12 in the queue — any moment now');
  });

  it('never counts up when the clock is behind the update', () => {
    expect(remainingMs(q, 0)).toBe(40_000);
  });

  it.each([
    [0, 'any moment now'],
    [400, 'about 1 s'],
    [89_000, 'about 89 s'],
    [150_000, 'about 3 min'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });
});
