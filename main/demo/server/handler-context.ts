import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoUser } from '../auth/demo-users.ts';
import type { DemoFaults } from '../faults.ts';
import { pruneFields, unknownFields } from '../store/known-fields.ts';
import { KubeStatusError, statusErrors } from '../store/kube-status-error.ts';
import { managerFromUserAgent } from '../store/managed-fields.ts';
import type { MemoryObjectStore } from '../store/memory-object-store.ts';
import type { KubeObject } from '../store/object-store.ts';
import type { ServedResource } from '../store/resource-types.ts';
import type { ResourceRequest } from './request-info.ts';

/** One resource request after routing, authentication and authorization. */
export interface HandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  info: ResourceRequest;
  type: ServedResource;
  user: DemoUser;
  store: MemoryObjectStore;
  faults: DemoFaults;
  /** Headers to add to the answer (Warning, …). */
  headers: Record<string, string>;
}

export function isDryRun(ctx: HandlerContext): boolean {
  const values = ctx.info.query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All')
      throw statusErrors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

export function fieldManager(ctx: HandlerContext): string {
  const m = ctx.info.query.get('fieldManager');
  if (m !== null) {
    if (m.length > 128)
      throw statusErrors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return m;
  }
  return managerFromUserAgent(ctx.req.headers['user-agent']);
}

/** Applies fieldValidation (Strict → 400, Warn → Warning header, Ignore) and prunes unknown fields. */
export function checkFields(ctx: HandlerContext, obj: KubeObject): void {
  const mode = ctx.info.query.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(mode)) {
    throw statusErrors.badRequest(
      `fieldValidation: Unsupported value: "${mode}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  const unknown = unknownFields(ctx.type.group, ctx.type.kind, obj as Record<string, unknown>);
  if (unknown.length === 0) return;
  if (mode === 'Strict') {
    const list = unknown.map((p) => `unknown field "${p.slice(1)}"`).join(', ');
    throw new KubeStatusError(
      400,
      'BadRequest',
      `${ctx.type.kind} in version "${ctx.type.version}" cannot be handled as a ${ctx.type.kind}: strict decoding error: ${list}`,
    );
  }
  if (mode === 'Warn') {
    ctx.headers.Warning = unknown.map((p) => `299 - "unknown field \\"${p.slice(1)}\\""`).join(', ');
  }
  pruneFields(obj as Record<string, unknown>, unknown);
}

export function targetOf(ctx: HandlerContext, name = ctx.info.name ?? '') {
  return { group: ctx.type.group, resource: ctx.type.resource, kind: ctx.type.kind, name };
}
