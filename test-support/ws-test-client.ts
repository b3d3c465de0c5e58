import WebSocket from 'ws';

/** A raw WebSocket test client that records every text message and the close code. */
export interface RecordingClient {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  texts: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first recorded message matching `pred` (already received or later). */
  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

export function connect(url: string, options?: WebSocket.ClientOptions & { protocols?: string[] }): Promise<RecordingClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options?.protocols, options);
    const messages: Record<string, unknown>[] = [];
    const texts: string[] = [];
    const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.on('close', (code, reason) => res({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      texts.push(text);
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(text) as Record<string, unknown>;
      } catch {
        m = { raw: text };
      }
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.pred(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        texts,
        closed,
        next: (pred) => {
          const found = messages.find(pred);
          if (found) return Promise.resolve(found);
          return new Promise((res) => waiters.push({ pred, resolve: res }));
        },
      }),
    );
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, headers: res.headers })));
    ws.once('error', reject);
  });
}

/** Float samples → little-endian PCM16 bytes. */
export function pcm16(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), i * 2);
  return out;
}

/** Sends `bytes` in frames of `frameBytes`. */
export function sendInFrames(ws: WebSocket, bytes: Buffer, frameBytes: number): void {
  for (let off = 0; off < bytes.length; off += frameBytes) ws.send(bytes.subarray(off, off + frameBytes));
}
