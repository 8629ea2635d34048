import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const children: ChildProcess[] = [];

/**
 * Runs the packaged `switchyard` command (out/cli/cli.js of an extracted app.asar, as
 * bin/switchyard.mjs would run it) under plain Node, and resolves with the first capture group of
 * `ready` once it prints it. cwd is the extracted folder (outside the repository) and HOME a fresh
 * one, NODE_PATH and NODE_OPTIONS unset: only the package's own node_modules can resolve.
 */
export function startPackagedCommand(
  extracted: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const { NODE_PATH: _p, NODE_OPTIONS: _o, ...clean } = process.env;
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      'const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv.slice(2));',
      join(extracted, 'out', 'cli', 'cli.js'),
      ...args,
    ],
    { cwd: extracted, env: { ...clean, HOME: extracted, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (c) => (err += c));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`switchyard ${args[0]} not ready in 60 s:\n${err}`)),
      60_000,
    );
    child.stdout?.on('data', (c) => {
      out += c;
      const m = out.match(ready);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard ${args[0]} exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Stops every command started here and waits until each has exited. */
export async function stopPackagedCommands(): Promise<void> {
  await Promise.all(
    children
      .splice(0)
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL'))),
  );
}
