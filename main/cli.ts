import type { Command, CommandIO } from './commands/command.ts';
import { processIO, runCommand } from './commands/run-command.ts';

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
  return runCommand(name, await load(), rest, io);
}
