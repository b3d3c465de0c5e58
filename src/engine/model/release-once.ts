/**
 * An idempotent release: the first call frees the resource, later calls (a stream closed twice,
 * a pool shutting down after a failed load) resolve at once instead of double-freeing a handle.
 */
export function releaseOnce(free: () => void | Promise<void>): () => Promise<void> {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await free();
  };
}
