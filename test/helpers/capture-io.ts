import type { CommandIO } from '../../main/commands/command.ts';

/** A CommandIO that records what a command prints; stop() resolves its stop signal. */
export function captureIO(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  let out = '';
  let err = '';
  let stop: (signal: string) => void = () => {};
  const stopSignal = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const io: CommandIO = {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    stopSignal,
  };
  return { io, stdout: () => out, stderr: () => err, stop };
}

/** A CommandIO that is also its own recorder (`out()`, `err()`), rooted at cwd; it is never stopped. */
export function recordingIO(cwd: string): CommandIO & { out: () => string; err: () => string } {
  const captured = captureIO({ cwd });
  return { ...captured.io, out: captured.stdout, err: captured.stderr };
}
