import type { Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { Document } from 'yaml';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../shared/mesh/model/index.ts';
import { yamlErrorText } from '../../shared/text/yaml-error-text.ts';
import { LocalFileError, MiB, readBoundedFileSync } from '../core/local-files/bounded-read.ts';
import { InputError } from './command.ts';

/** A YAML file larger than this is not a routing file anyone edits by hand. */
export const MAX_YAML_FILE_BYTES = 32 * MiB;
/** Aliases a document may expand (a "billion laughs" file stops here with a message). */
const MAX_ALIAS_COUNT = 1000;

/** Valid YAML that is not Kubernetes objects (a Helm values file, a CI config): a folder's files may be. */
export class NotKubernetesError extends InputError {}

/** One Kubernetes object read from a file, with where it came from for error messages. */
export interface LoadedObject {
  /** The path as the user gave it. */
  file: string;
  /** 1-based position of the document in the file (empty documents still count). */
  index: number;
  object: KubeObject;
}

/** A file as it was read, once: what `--write` edits and compares against before replacing it. */
export interface SourceFile {
  /** The path as the user gave it, and resolved against the working folder. */
  file: string;
  path: string;
  text: string;
  /** fstat of what was read (through symlinks): mode, owner and inode a rewrite must keep. */
  stats: Stats;
  /** Its documents, once readYamlSources has parsed it (an edit starts from them). */
  docs?: Document.Parsed[];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads one file (a regular file under the size limit), with a one-line error naming it. Read
 * without the thread pool (readBoundedFileSync): the commands read their files and exit.
 */
export async function readSourceFile(file: string, cwd: string): Promise<SourceFile> {
  const path = resolve(cwd, file);
  try {
    const { text, stats } = readBoundedFileSync(path, MAX_YAML_FILE_BYTES);
    return { file, path, text, stats };
  } catch (err) {
    // "x.yaml is a named pipe (FIFO), not a regular file: refused …", "x.yaml is larger than …"
    if (err instanceof LocalFileError) throw new InputError(`${file}${err.message.slice(path.length)}`);
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read file (${code ?? (err as Error).message})`);
  }
}

/** The document as plain data; an alias YAML cannot resolve is an InputError at its line. */
function toPlain(doc: Document.Parsed, file: string, index: number, text: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? String(err);
    const start = doc.range?.[0] ?? 0;
    const end = doc.range?.[2] ?? text.length;
    const alias = /Unresolved alias.*: (\S+)$/.exec(message)?.[1];
    let at = start;
    if (alias) {
      const found = text
        .slice(start, end)
        .search(new RegExp(`\\*${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`));
      if (found >= 0) at = start + found;
    }
    const what = alias
      ? `alias *${alias} refers to an anchor &${alias} that is not defined before it`
      : /alias count/i.test(message)
        ? `too many aliases (more than ${MAX_ALIAS_COUNT} expansions): refused`
        : message;
    throw new InputError(`${file}:${lineOf(text, at)}: YAML error in document #${index}: ${what}`);
  }
}

/** Every object of every file, and each file's text as read (for a rewrite). */
export async function readYamlSources(
  paths: string[],
  cwd: string,
): Promise<{ objects: LoadedObject[]; sources: Map<string, SourceFile> }> {
  const out: LoadedObject[] = [];
  const sources = new Map<string, SourceFile>();
  for (const file of paths) {
    const source = sources.get(file) ?? (await readSourceFile(file, cwd));
    sources.set(file, source);
    const { text } = source;
    const docs = parseAllDocuments(text, { prettyErrors: false });
    if (!Array.isArray(docs)) continue; // an empty stream: no documents at all
    source.docs = docs;
    docs.forEach((doc, i) => {
      const index = i + 1;
      const error = doc.errors[0];
      if (error) {
        const line = error.linePos?.[0].line ?? lineOf(text, error.pos[0]);
        const message = yamlErrorText(error.message);
        throw new InputError(`${file}:${line}: YAML syntax error in document #${index}: ${message}`);
      }
      const value = toPlain(doc, file, index, text);
      if (value === null || value === undefined) return;
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new NotKubernetesError(
          `${file}:doc#${index}: expected a Kubernetes object (a mapping), found ${kindOfValue(value)}`,
        );
      }
      const o = value as Record<string, unknown>;
      if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') {
        const missing = typeof o.kind !== 'string' ? 'kind' : 'apiVersion';
        throw new NotKubernetesError(
          `${file}:doc#${index}: not a Kubernetes object: field '${missing}' is missing or not a string`,
        );
      }
      const metadata = o.metadata;
      if (
        metadata !== undefined &&
        (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      ) {
        throw new InputError(`${file}:doc#${index}: ${o.kind}: field 'metadata' must be a mapping`);
      }
      // `name:` left empty is null: every reader and planner takes the name as a string.
      for (const key of ['name', 'namespace'] as const) {
        const value = (metadata as Record<string, unknown> | undefined)?.[key];
        if (value !== undefined && typeof value !== 'string')
          throw new InputError(`${file}:doc#${index}: ${o.kind}: field 'metadata.${key}' must be a string`);
      }
      const object = { ...o, metadata: { name: '', ...(metadata as object | undefined) } } as KubeObject;
      out.push({ file, index, object });
    });
  }
  return { objects: out, sources };
}

/**
 * Reads every YAML document of every file. Empty documents are skipped; a document that is not a
 * mapping with `kind` and `apiVersion` strings is an error naming its file and document, because
 * every command reading files expects Kubernetes objects. Every YAML error names file and line.
 */
export async function readYamlFiles(paths: string[], cwd: string): Promise<LoadedObject[]> {
  return (await readYamlSources(paths, cwd)).objects;
}

function kindOfValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  return typeof value;
}
