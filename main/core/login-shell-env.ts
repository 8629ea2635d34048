import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface LoginShellDependencies {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The shell to ask; defaults to $SHELL, then /bin/zsh on macOS and /bin/bash elsewhere. */
  shell?: string;
  /** How long the shell may take before we go on without it. */
  timeoutMs?: number;
  /** The program that prints the environment as JSON: Node (or Electron run as Node). */
  execPath?: string;
  /** Most the shell may print (banners and the environment) before it is stopped; default 4 MiB. */
  maxOutputBytes?: number;
}

/** An environment is a few KiB; a profile that prints megabytes is broken, not informative. */
export const MAX_SHELL_OUTPUT = 4 * 1024 * 1024;

export interface LoginShellResult {
  /** Variables to merge into main's environment (empty when the shell could not be read). */
  env: Record<string, string>;
  /** Why nothing was merged, for the log; absent on success or when skipped on purpose. */
  error?: string;
  skipped?: boolean;
}

// Variables that describe the probe itself, not the user's environment.
const ignored = new Set([
  'ELECTRON_RUN_AS_NODE',
  'ELECTRON_NO_ATTACH_CONSOLE',
  'SHLVL',
  'PWD',
  'OLDPWD',
  '_',
]);

/**
 * Runs the user's login shell once (interactive + login, as a terminal would) and reads the
 * environment it ends up with. Profiles may print banners or hang on a prompt, so the output is
 * bracketed by random markers and the shell is killed after a timeout.
 */
export async function loadLoginShellEnvironment(deps: LoginShellDependencies): Promise<LoginShellResult> {
  if (deps.platform === 'win32') return { env: {}, skipped: true };
  if (deps.env.SWITCHYARD_SKIP_SHELL_ENV === '1') return { env: {}, skipped: true };
  const shell = deps.shell ?? deps.env.SHELL ?? (deps.platform === 'darwin' ? '/bin/zsh' : '/bin/bash');
  const timeoutMs = deps.timeoutMs ?? 5000;
  const execPath = deps.execPath ?? process.execPath;
  const mark = randomBytes(8).toString('hex');
  const script = `'${execPath.replaceAll("'", "'\\''")}' -p '"${mark}" + JSON.stringify(process.env) + "${mark}"'`;

  const maxOutput = deps.maxOutputBytes ?? MAX_SHELL_OUTPUT;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: LoginShellResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(shell, ['-i', '-l', '-c', script], {
        env: { ...deps.env, ELECTRON_RUN_AS_NODE: '1', SWITCHYARD_RESOLVING_ENVIRONMENT: '1' },
        stdio: ['ignore', 'pipe', 'ignore'],
        detached: true,
      });
    } catch (err) {
      resolve({ env: {}, error: `cannot start ${shell}: ${(err as Error).message}` });
      return;
    }
    const kill = () => {
      try {
        // The shell may have started children (a prompt, a plugin): end the whole group.
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish({ env: {}, error: `${shell} did not print its environment within ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxOutput) {
        kill();
        finish({
          env: {},
          error: `${shell} printed more than ${maxOutput} bytes: stopped, its environment is not used`,
        });
        return;
      }
      chunks.push(chunk);
    });
    child.on('error', (err) => finish({ env: {}, error: `cannot start ${shell}: ${err.message}` }));
    child.on('close', (code) => {
      if (settled) return;
      const out = Buffer.concat(chunks).toString('utf8');
      const start = out.indexOf(mark);
      const end = out.indexOf(mark, start + mark.length);
      if (start === -1 || end === -1) {
        finish({ env: {}, error: `${shell} exited with ${code} without printing its environment` });
        return;
      }
      try {
        const parsed = JSON.parse(out.slice(start + mark.length, end)) as Record<string, unknown>;
        const env: Record<string, string> = {};
        for (const [key, value] of Object.entries(parsed)) {
          if (typeof value === 'string' && !ignored.has(key) && key !== 'SWITCHYARD_RESOLVING_ENVIRONMENT') {
            env[key] = value;
          }
        }
        finish({ env });
      } catch (err) {
        finish({ env: {}, error: `cannot read the environment ${shell} printed: ${(err as Error).message}` });
      }
    });
  });
}
