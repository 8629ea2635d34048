export const FILE_COMMANDS_DIR: string;
/** The web core's one-file bundle: a module, not a command. */
export const WEB_CORE_BUNDLE: string;
export interface FileCommandStamp {
  builtAtMs: number;
  hash: string;
  size: number;
  mtimeMs: number;
  /** The build made the bundle ASCII: it is read as Latin-1. */
  ascii?: boolean;
  sources: string[];
}
export function currentFileCommand(
  root: string,
  outdir: string,
  command: string,
  sourcesCheckedForBuild?: number,
): FileCommandStamp | undefined;
export function runFileCommand(root: string, outdir: string, argv: string[]): Promise<number | undefined>;
export function loadFileCommand(
  dir: string,
  command: string,
  stamp: Pick<FileCommandStamp, 'hash' | 'size' | 'mtimeMs' | 'ascii'>,
):
  | {
      main: (argv: string[]) => Promise<number>;
      /** The bundle's exports (a file command's hold `main`). */
      exports: Record<string, unknown>;
      cacheAccepted: boolean;
      cacheComplete: boolean;
      writeCache: (complete: boolean) => boolean;
    }
  | undefined;
/** The `require` a bundle runs with: built-ins from process.getBuiltinModule, the rest from a require made for `filename` when first needed. */
export function bundleRequire(filename: string): NodeJS.Require;
