export const FILE_COMMANDS_DIR: string;
export interface FileCommandStamp {
  builtAtMs: number;
  hash: string;
  size: number;
  mtimeMs: number;
  sources: string[];
}
export function currentFileCommand(
  root: string,
  outdir: string,
  command: string,
): FileCommandStamp | undefined;
export function runFileCommand(root: string, outdir: string, argv: string[]): Promise<number | undefined>;
export function loadFileCommand(
  dir: string,
  command: string,
  stamp: Pick<FileCommandStamp, 'hash' | 'size' | 'mtimeMs'>,
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
