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
