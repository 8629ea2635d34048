import type { Command, CommandIO } from './command.ts';
import { InputError, UsageError } from './command.ts';

// How `switchyard <name> ...` runs one command once it is loaded: main/cli.ts for every command, and
// the one-file bundle of each file command (scripts/cli-bundle.mjs) without the rest of the CLI.

export function processIO(): CommandIO {
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
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
