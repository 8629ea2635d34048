// A snapshot's file text, built once and in slices: a few hundred objects are stripped and turned
// to JSON at a time, then the event loop gets a turn, so a mesh of thousands of services never
// holds the process for long. The header comes first (the store reads it without the objects).

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { SnapshotHeader } from './snapshot-schema.ts';
import { isSnapshotKind, stripForSnapshot } from './snapshot-schema.ts';

const SLICE = 250;

export interface SerializedSnapshot {
  text: string;
  objects: number;
  serializeMs: number;
  longestBlockMs: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function serializeSnapshot(
  header: SnapshotHeader,
  objects: Iterable<KubeObject>,
): Promise<SerializedSnapshot> {
  let started = performance.now();
  let total = 0;
  let longest = 0;
  const kept: KubeObject[] = [];
  for (const o of objects) if (isSnapshotKind(o.kind)) kept.push(o);
  const head = JSON.stringify({
    schemaVersion: header.schemaVersion,
    contextId: header.contextId,
    contextName: header.contextName,
    cluster: header.cluster,
    capturedAt: header.capturedAt,
    ...(header.referenceGrants ? { referenceGrants: header.referenceGrants } : {}),
  });
  const parts: string[] = [`${head.slice(0, -1)},"objects":[\n`];
  for (let i = 0; i < kept.length; i += SLICE) {
    const slice = kept.slice(i, i + SLICE).map((o) => JSON.stringify(stripForSnapshot(o)));
    parts.push(i === 0 ? slice.join(',\n') : `,\n${slice.join(',\n')}`);
    const block = performance.now() - started;
    total += block;
    longest = Math.max(longest, block);
    await yieldToLoop();
    started = performance.now();
  }
  parts.push('\n]}\n');
  const text = parts.join('');
  const last = performance.now() - started;
  return {
    text,
    objects: kept.length,
    serializeMs: total + last,
    longestBlockMs: Math.max(longest, last),
  };
}
