import type { Metafile } from 'esbuild';

export const STAMP_FILE: string;
export interface CliBuildStamp {
  builtAtMs: number;
  entry: string[];
  commands: Record<string, string[]>;
}
export function stampFromMetafile(metafile: Metafile, builtAtMs: number): CliBuildStamp;
export function bundleIsCurrent(root: string, outdir: string, command: string | undefined): boolean;
