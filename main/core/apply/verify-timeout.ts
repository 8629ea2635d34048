// A watch that never reports must not hang an apply: the wait gets a deadline (unref'd, so a
// finished process is not held open by it).

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${what} was not seen by the watch within ${ms / 1000} s`);
      err.name = 'WaitTimeoutError';
      reject(err);
    }, ms);
    timer.unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
