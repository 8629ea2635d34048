// A draft leaves the app three ways: YAML for `kubectl apply -f`, a JSON Patch per object guarded
// by `test` on every value it changes (so it refuses to apply over someone else's edit), and an
// in-place edit of the operator's own YAML file that keeps every byte outside the edited lines.

import type { ObjectKey } from '../../../shared/drafts/three-way-merge.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { deepClone, deepEqual, withoutServerFields } from '../../../shared/mesh/model/index.ts';
import { applyPatchToYaml } from '../../../shared/mesh/plan/index.ts';
import { yamlText } from '../../../shared/text/yaml-text.ts';
import { importYamlText } from './draft-import.ts';
import type { DraftChange } from './draft-objects.ts';
import { draftChanges, draftObjects } from './draft-objects.ts';
import type { Draft } from './draft-schema.ts';
import { DraftFormatError } from './draft-schema.ts';

function keyText(k: ObjectKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

/** Draft objects that differ from their base copy, or that the base lacks. */
export function changedObjects(base: readonly KubeObject[], draft: readonly KubeObject[]): KubeObject[] {
  const b = new Map(base.map((o) => [keyText(objectKeyOf(o)), o]));
  return draft.filter((o) => !deepEqual(b.get(keyText(objectKeyOf(o))), o));
}

/**
 * What `kubectl apply` should receive: no server-owned metadata (a stale resourceVersion would make
 * apply fail, and managedFields are the server's) and no status.
 */
export function forKubectl(o: KubeObject): KubeObject {
  return withoutServerFields(deepClone(o));
}

/** Multi-document YAML, one object per document, ready for `kubectl apply -f -`. */
export function exportKubectlYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => yamlText(forKubectl(o))).join('---\n');
}

/**
 * One JSON Patch per changed object (the plan's, with `test` on resourceVersion and on every value
 * it replaces), and the objects the draft creates, ready for `kubectl create`.
 */
export function exportJsonPatches(draft: Draft): DraftChange[] {
  return draftChanges(draft).map((c) =>
    'create' in c ? { target: c.target, create: forKubectl(c.create) } : c,
  );
}

export interface YamlFileEdit {
  text: string;
  /** Objects edited in the file. */
  edited: ObjectKey[];
  /** Changed or created objects the file does not hold (export them as YAML or patches instead). */
  notInFile: ObjectKey[];
}

/**
 * Applies the draft's changes to the matching documents of the operator's file. The `test`s run
 * against the file (all but resourceVersion, which files do not carry): a file that no longer holds
 * the base values where the draft edits is refused rather than overwritten.
 */
export function editYamlFile(text: string, file: string, draft: Draft): YamlFileEdit {
  const docs = new Map<string, number>();
  for (const imported of importYamlText(text, file).objects) {
    const o = imported.object;
    docs.set(
      keyText({ ...objectKeyOf(o), namespace: o.metadata.namespace || draft.namespace }),
      imported.documentIndex,
    );
  }
  let out = text;
  const edited: ObjectKey[] = [];
  const notInFile: ObjectKey[] = [];
  for (const change of draftChanges(draft)) {
    const di = docs.get(keyText(change.target));
    if (di === undefined || 'create' in change) {
      notInFile.push(change.target);
      continue;
    }
    const ops = change.patch.filter((op) => op.path !== '/metadata/resourceVersion');
    try {
      out = applyPatchToYaml(out, di, ops);
    } catch (err) {
      throw new DraftFormatError(
        `${file}: ${change.target.kind} ${change.target.name}: ${(err as Error).message}`,
      );
    }
    edited.push(change.target);
  }
  return { text: out, edited, notInFile };
}

export interface DraftExportRequest {
  format: 'kubectl-yaml' | 'json-patch' | 'file-edit';
  file?: { name: string; text: string } | undefined;
}

export interface DraftExport {
  text: string;
  fileName: string;
  edited?: string[];
  notInFile?: string[];
}

const label = (k: ObjectKey) => `${k.kind} ${k.namespace}/${k.name}`;

function fileStem(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'draft'
  );
}

/** The draft in the asked format, with a file name to suggest when saving it. */
export function exportDraft(draft: Draft, req: DraftExportRequest): DraftExport {
  const stem = fileStem(draft.name);
  if (req.format === 'kubectl-yaml') {
    const objects = changedObjects(draft.base.objects, draftObjects(draft));
    return {
      text:
        objects.length > 0 ? exportKubectlYaml(objects) : `# Draft "${draft.name}" changes nothing yet.\n`,
      fileName: `${stem}.yaml`,
    };
  }
  if (req.format === 'json-patch')
    return { text: `${JSON.stringify(exportJsonPatches(draft), null, 2)}\n`, fileName: `${stem}.patch.json` };
  if (!req.file)
    throw new DraftFormatError(
      "exporting as an edit of a YAML file needs that file: send 'file' with its name and text",
    );
  const edit = editYamlFile(req.file.text, req.file.name, draft);
  return {
    text: edit.text,
    fileName: req.file.name,
    edited: edit.edited.map(label),
    notInFile: edit.notInFile.map(label),
  };
}
