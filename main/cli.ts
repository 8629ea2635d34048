import type { Command, CommandIO } from './commands/command.ts';
import { InputError, UsageError } from './commands/command.ts';

/** Every subcommand, loaded only when used so that `switchyard match` does not pay for the server. */
const commands: Record<string, () => Promise<Command>> = {
  web: async () => (await import('./commands/web-command.ts')).webCommand,
  demo: async () => (await import('./commands/demo-command.ts')).demoCommand,
  split: async () => (await import('./commands/split-command.ts')).splitCommand,
  cutover: async () => (await import('./commands/cutover-command.ts')).cutoverCommand,
  route: async () => (await import('./commands/route-command.ts')).routeCommand,
  match: async () => (await import('./commands/match-command.ts')).matchCommand,
  lint: async () => (await import('./commands/lint-command.ts')).lintCommand,
  preview: async () => (await import('./commands/preview-command.ts')).previewCommand,
};

function topLevelHelp(): string {
  const names = Object.keys(commands).sort();
  return [
    'switchyard — grayscale releases on Istio service meshes',
    '',
    'Usage: switchyard <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n}`),
    '',
    'Run `switchyard <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

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

export async function main(argv: string[], io: CommandIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topLevelHelp());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`switchyard: unknown command '${name}'. Run 'switchyard --help' for the list.\n`);
    return 2;
  }
  const command = await load();
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
