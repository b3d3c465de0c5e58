import { readFileSync } from 'node:fs';

/** CPU and memory of server processes, sampled from /proc (Linux) while a scenario runs. */
export interface ResourceSample {
  t: number;
  cpuPercent: number;
  rssMb: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

function readProc(pid: number): { ticks: number; rssMb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { ticks, rssMb: rssKb / 1024 };
  } catch {
    return undefined; // process gone (e.g. killed by the chaos scenario)
  }
}

export class ProcessSampler {
  readonly samples: ResourceSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last = new Map<number, number>();
  private lastAt = 0;
  private readonly t0 = performance.now();

  constructor(private readonly pids: () => number[], private readonly intervalMs = 500) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const now = performance.now();
    let dTicks = 0;
    let rss = 0;
    for (const pid of this.pids()) {
      const p = readProc(pid);
      if (!p) continue;
      const prev = this.last.get(pid);
      if (prev !== undefined) dTicks += p.ticks - prev;
      this.last.set(pid, p.ticks);
      rss += p.rssMb;
    }
    if (this.lastAt > 0) {
      const dt = (now - this.lastAt) / 1000;
      this.samples.push({ t: (now - this.t0) / 1000, cpuPercent: (100 * dTicks) / TICKS_PER_S / dt, rssMb: rss });
    }
    this.lastAt = now;
  }

  peakRssMb(): number {
    return Math.max(0, ...this.samples.map((s) => s.rssMb));
  }

  meanCpuPercent(): number {
    const busy = this.samples.filter((s) => s.cpuPercent > 0);
    return busy.length ? busy.reduce((a, s) => a + s.cpuPercent, 0) / busy.length : 0;
  }
}

export function rssMbOf(pid: number): number {
  return readProc(pid)?.rssMb ?? 0;
}
