// YAML text → the routing objects a draft can start from. Text-based (no file system) so the same
// code serves a file picker, a paste box and tests; errors name the file, line and document.

import { parseAllDocuments } from 'yaml';
import { isNamespaceName, isObjectName } from '../../../shared/api/k8s-names.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { YamlValueError, yamlDocumentValue } from '../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { yamlErrorText } from '../../../shared/text/yaml-error-text.ts';
import { releaseIn } from './draft-objects.ts';
import { DraftFormatError } from './draft-schema.ts';

/** The kinds a draft can hold as its base; other documents in a file are skipped, not refused. */
export const IMPORTABLE_KINDS = new Set(['VirtualService', 'DestinationRule', 'HTTPRoute']);

export interface ImportedObject {
  file: string;
  /** 0-based document index in the file (what applyPatchToYaml takes). */
  documentIndex: number;
  object: KubeObject;
}

export interface YamlImport {
  objects: ImportedObject[];
  /** Documents skipped because they are not routing objects (`kind name` each). */
  skipped: string[];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function importYamlText(text: string, file: string): YamlImport {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const objects: ImportedObject[] = [];
  const skipped: string[] = [];
  if (!Array.isArray(docs)) return { objects, skipped };
  docs.forEach((doc, documentIndex) => {
    const n = documentIndex + 1;
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0].line ?? lineOf(text, error.pos[0]);
      throw new DraftFormatError(
        `${file}:${line}: YAML syntax error in document #${n}: ${yamlErrorText(error.message)}`,
      );
    }
    let value: unknown;
    try {
      value = yamlDocumentValue(doc);
    } catch (err) {
      if (err instanceof YamlValueError) throw new DraftFormatError(`${file}:doc#${n}: ${err.message}`);
      throw err;
    }
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new DraftFormatError(`${file}:doc#${n}: expected a Kubernetes object (a mapping)`);
    const o = value as Record<string, unknown>;
    if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string')
      throw new DraftFormatError(
        `${file}:doc#${n}: not a Kubernetes object: field '${typeof o.kind !== 'string' ? 'kind' : 'apiVersion'}' is missing or not a string`,
      );
    const meta = o.metadata as Record<string, unknown> | undefined;
    if (!IMPORTABLE_KINDS.has(o.kind)) {
      skipped.push(`${o.kind} ${typeof meta?.name === 'string' ? meta.name : '(unnamed)'}`);
      return;
    }
    if (typeof meta !== 'object' || meta === null || typeof meta.name !== 'string' || meta.name === '')
      throw new DraftFormatError(`${file}:doc#${n}: ${o.kind}: field 'metadata.name' is missing`);
    // These names end up in API paths when the draft is applied: `../x` or a newline never gets there.
    if (!isObjectName(meta.name))
      throw new DraftFormatError(
        `${file}:doc#${n}: ${o.kind} ${JSON.stringify(meta.name)}: metadata.name is not a valid object name (lower-case letters, digits, '-' and '.')`,
      );
    if (
      meta.namespace !== undefined &&
      (typeof meta.namespace !== 'string' || !isNamespaceName(meta.namespace))
    )
      throw new DraftFormatError(
        `${file}:doc#${n}: ${o.kind} ${meta.name}: metadata.namespace ${JSON.stringify(meta.namespace)} is not a namespace name (lower-case letters, digits and '-', at most 63)`,
      );
    objects.push({ file, documentIndex, object: o as KubeObject });
  });
  return { objects, skipped };
}

/** Objects without a namespace take the draft's, as `kubectl apply -n` would. */
export function inNamespace(objects: readonly ImportedObject[], namespace: string): KubeObject[] {
  return objects.map(({ object }) =>
    object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace } },
  );
}

export interface ImportRequest {
  namespace: string;
  host?: string | undefined;
  files: ReadonlyArray<{ name: string; text: string }>;
}

/**
 * The files' routing objects (in the draft's namespace) and the host the draft is about: the one
 * asked for, or the only one the files route; several without a choice is refused, listing them.
 */
export function importDraft(req: ImportRequest): { host: string; objects: KubeObject[] } {
  // The contract refuses it first; checked here too, as the namespace goes into API paths.
  if (!isNamespaceName(req.namespace))
    throw new DraftFormatError(`namespace ${JSON.stringify(req.namespace)} is not a namespace name`);
  const imported = req.files.flatMap((f) => importYamlText(f.text, f.name).objects);
  const names = req.files.map((f) => f.name).join(', ');
  const objects = inNamespace(imported, req.namespace);
  if (objects.length === 0)
    throw new DraftFormatError(`${names}: no VirtualService, DestinationRule or HTTPRoute to import`);
  const releases = readReleases(objects).filter((r) => r.namespace === req.namespace);
  const hosts = releases.map((r) => r.host);
  const listed = hosts.length > 0 ? hosts.join(', ') : 'none';
  if (req.host !== undefined) {
    const release = releaseIn(objects, req.namespace, req.host);
    if (!release)
      throw new DraftFormatError(
        `${names}: no route for host '${req.host}' in namespace ${req.namespace} (hosts routed there: ${listed})`,
      );
    return { host: release.host, objects };
  }
  const [only, ...more] = releases;
  if (!only)
    throw new DraftFormatError(
      `${names}: no VirtualService or HTTPRoute routes a host in namespace ${req.namespace}`,
    );
  if (more.length > 0)
    throw new DraftFormatError(
      `${names}: the files route ${releases.length} hosts in namespace ${req.namespace} (${listed}); choose one with 'host'`,
    );
  return { host: only.host, objects };
}
