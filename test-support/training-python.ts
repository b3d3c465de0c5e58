import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-paths.ts';

/**
 * Runs `code` in Debian's Python with training/ importable (as training/ itself runs) and
 * returns the JSON of the last line it prints.
 */
export function trainingPython(code: string, timeoutMs = 60_000): unknown {
  const prelude = `import sys, json\nsys.path.insert(0, ${JSON.stringify(join(REPO_ROOT, 'training'))})\n`;
  // stderr is piped, not inherited: torch's export warnings stay out of the test log, yet a failure's
  // traceback is in the thrown error.
  const out = execFileSync('/usr/bin/python3', ['-c', prelude + code], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop() as string);
}
