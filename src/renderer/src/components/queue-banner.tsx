import { useEffect, useState, type JSX } from 'react';
import { queueBannerText, type QueuePosition } from '../dictation/queue-countdown.ts';

/** "You are number N in the queue — about X s", counting down each second between updates. */
export function QueueBanner({ queue, now = Date.now }: { queue: QueuePosition | undefined; now?: () => number }): JSX.Element {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!queue) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [queue]);
  // The live region stays mounted so screen readers announce it when it fills.
  return (
    <div className="queue-banner-region" role="status" aria-live="polite">
      {queue && (
        <div className="queue-banner" data-testid="queue-banner">
          <strong>{queueBannerText(queue, now())}</strong>
          <span className="queue-banner-detail">The server is busy; you will start as soon as a slot frees up. Keep talking — your audio is kept.</span>
        </div>
      )}
    </div>
  );
}
