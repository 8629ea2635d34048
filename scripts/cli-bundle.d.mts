import type { BuildOptions } from 'esbuild';
export function cliBuildOptions(root: string, outdir: string): BuildOptions;
