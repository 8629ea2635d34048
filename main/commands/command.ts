import { type ParseArgsConfig, parseArgs } from 'node:util';

/** What a subcommand of `switchyard` may touch: its streams, the working folder and the environment. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM); long-running commands await it. */
  stopSignal: Promise<string>;
}

export interface Command {
  name: string;
  summary: string;
  /** Full help text printed by `switchyard <name> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** Bad arguments: printed as one line plus a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input (a file, a host, a weight): printed as one line, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}

/** node:util parseArgs, with its errors turned into a UsageError (one line plus a pointer to --help). */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
