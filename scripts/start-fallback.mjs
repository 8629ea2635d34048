// What `npm start` says when it cannot open the desktop app: one plain line, never a stack trace.

/**
 * Why the electron package's download-on-first-use failed, from that child's output: the first line
 * that is not part of a stack trace (`TypeError: fetch failed` → `fetch failed`).
 * @param {{ error?: Error & { code?: string }, status: number | null, stdout?: string, stderr?: string }} run
 */
export function downloadFailure(run) {
  if (run.error) return run.error.code === 'ETIMEDOUT' ? 'it took over 5 minutes' : run.error.message;
  const lines = `${run.stderr ?? ''}`.split('\n').map((l) => l.trim());
  const line = lines.find(
    (l) =>
      l &&
      !l.startsWith('at ') &&
      !/^[~^]+$/.test(l) &&
      !/^(node:|file:|\/)/.test(l) &&
      !l.startsWith('Node.js v'),
  );
  return (line ?? `it exited with code ${run.status}`).replace(/^\w*Error: /, '').slice(0, 200);
}

/** The line printed before browser mode starts instead of the desktop app. */
export function fallbackMessage(reason, failure) {
  return [
    `No Electron binary is available here (${reason}${failure ? `; downloading it failed: ${failure}` : ''}).`,
    'Starting browser mode instead: open the URL printed below.',
  ].join('\n');
}
