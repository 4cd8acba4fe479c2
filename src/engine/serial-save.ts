/**
 * Runs a service's save one at a time: two acknowledged changes in flight must not write the same state
 * file at once. Each call resolves once a save that started after it has finished (so its change is on
 * disk); saves requested while one runs are folded into the next.
 */
export function serialSave(save: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running = save().finally(() => {
      running = undefined;
    });
    return running;
  };
  return () => {
    if (!running) return run();
    next ??= running.catch(() => undefined).then(() => {
      next = undefined;
      return run();
    });
    return next;
  };
}
