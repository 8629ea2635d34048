import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../shared/mesh/istio-types.ts';
import { InputError } from './command.ts';

/** One Kubernetes object read from a file, with where it came from for error messages. */
export interface LoadedObject {
  /** The path as the user gave it. */
  file: string;
  /** 1-based position of the document in the file (empty documents still count). */
  index: number;
  object: KubeObject;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads every YAML document of every file. Empty documents are skipped; a document that is not a
 * mapping with `kind` and `apiVersion` strings is an error naming its file and document, because
 * every command reading files expects Kubernetes objects.
 */
export async function readYamlFiles(
  paths: string[],
  cwd: string,
): Promise<Array<{ file: string; index: number; object: KubeObject }>> {
  const out: LoadedObject[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = await readFile(resolve(cwd, file), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(`${file}: cannot read file (${code ?? (err as Error).message})`);
    }
    const docs = parseAllDocuments(text, { prettyErrors: false });
    if (!Array.isArray(docs)) continue; // an empty stream: no documents at all
    docs.forEach((doc, i) => {
      const index = i + 1;
      const error = doc.errors[0];
      if (error) {
        const line = error.linePos?.[0].line ?? lineOf(text, error.pos[0]);
        const message = error.message.split('\n')[0] ?? error.message;
        throw new InputError(`${file}:${line}: YAML syntax error in document #${index}: ${message}`);
      }
      const value: unknown = doc.toJS({ maxAliasCount: 1000 });
      if (value === null || value === undefined) return;
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(
          `${file}:doc#${index}: expected a Kubernetes object (a mapping), found ${kindOfValue(value)}`,
        );
      }
      const o = value as Record<string, unknown>;
      if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') {
        const missing = typeof o.kind !== 'string' ? 'kind' : 'apiVersion';
        throw new InputError(
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
      const object = { ...o, metadata: { name: '', ...(metadata as object | undefined) } } as KubeObject;
      out.push({ file, index, object });
    });
  }
  return out;
}

function kindOfValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  return typeof value;
}
