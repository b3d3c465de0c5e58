import { open, readFile, rm } from 'node:fs/promises';
import { DownloadError } from './model-errors.ts';

/**
 * One pull per model across processes (the desktop app and `earshot models pull` share the
 * folder): two writers appending to one partial file would corrupt it. The lock file holds the
 * owner's pid; a lock whose process is gone is stale and taken over.
 */
export async function acquireDownloadLock(file: string, name: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DownloadError(`cannot create ${file}: ${(err as Error).message}`, { resumable: false, cause: err });
      }
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DownloadError(`model '${name}' is being downloaded by another Earshot process (pid ${owner})`, { resumable: false });
    }
    await rm(file, { force: true }); // stale: its owner exited without cleaning up
  }
  throw new DownloadError(`could not take the download lock ${file}`, { resumable: false });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
