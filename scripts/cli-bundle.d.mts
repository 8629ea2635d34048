import type { BuildOptions, Metafile } from 'esbuild';
import type { FileCommandStamp } from '../bin/cli-file-command.mjs';
export function cliBuildOptions(root: string, outdir: string): BuildOptions;
export const FILE_COMMANDS: string[];
export const FILE_COMMANDS_DIR: string;
export const WEB_CORE_BUNDLE: string;
export function fileCommandBuildOptions(
  root: string,
  outdir: string,
  re2Accepted?: readonly string[],
): BuildOptions;
export function asciiOnly(text: string): string;
export function webCoreBuildOptions(root: string, outdir: string): BuildOptions;
export function presetPatternsAcceptedByRe2(root: string): Promise<string[]>;
export function fileCommandStamp(
  root: string,
  output: string,
  meta: Metafile['outputs'][string],
  builtAtMs: number,
): FileCommandStamp;
