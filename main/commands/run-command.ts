import type { Command, CommandIO } from './command.ts';
import { InputError, UsageError } from './command.ts';
import { directWriter } from './direct-output.ts';

// How `switchyard <name> ...` runs one command once it is loaded: main/cli.ts for every command, and
// the one-file bundle of each file command (scripts/cli-bundle.mjs) without the rest of the CLI.

/**
 * The process's own IO. `direct` (the file commands' one-file bundles, scripts/cli-bundle.mjs):
 * output written to file descriptors 1 and 2 rather than through process.stdout and stderr
 * (direct-output.ts), on Linux and macOS; on Windows, where those streams write asynchronously, the
 * streams.
 */
export function processIO(options: { direct?: boolean } = {}): CommandIO {
  const direct = options.direct === true && process.platform !== 'win32';
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return {
    stdout: direct ? directWriter(1, () => process.stdout) : (t) => process.stdout.write(t),
    stderr: direct ? directWriter(2, () => process.stderr) : (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    stopSignal,
  };
}

/** Its help with --help or -h, else its run; usage errors exit 2, input errors 1, anything else throws. */
export async function runCommand(
  name: string,
  command: Command,
  rest: string[],
  io: CommandIO,
): Promise<number> {
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`switchyard ${name}: ${err.message}\nRun 'switchyard ${name} --help' for usage.\n`);
      return 2;
    }
    if (err instanceof InputError) {
      io.stderr(`switchyard ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
