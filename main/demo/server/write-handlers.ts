// create (POST), replace (PUT), patch (merge, JSON, strategic, apply) and delete.
import {
  applyJsonPatch,
  JsonPatchError,
  type JsonPatchOp,
  JsonPatchTestError,
} from '../../../shared/mesh/model/index.ts';
import { KubeStatusError, statusErrors } from '../store/kube-status-error.ts';
import type { KubeObject } from '../store/object-store.ts';
import { apiVersionOf } from '../store/resource-types.ts';
import { frozenJson } from '../store/stored-object.ts';
import type { HandlerContext } from './handler-context.ts';
import { checkFields, fieldManager, isDryRun, targetOf } from './handler-context.ts';
import { mediaType, parseBody, readBody, sendJson, sendRaw } from './http-io.ts';
import { applyMergePatch } from './merge-patch.ts';
import { scaleOf } from './scale-view.ts';
import { checkAppliedIdentity, serverSideApply } from './server-side-apply.ts';
import { applyStrategicMergePatch, StrategicMergeError } from './strategic-merge-patch.ts';

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function respond(ctx: HandlerContext, code: number, obj: KubeObject): void {
  if (ctx.info.subresource === 'scale') {
    sendJson(ctx.res, code, scaleOf(obj), ctx.headers);
    return;
  }
  sendRaw(ctx.res, code, frozenJson(obj, apiVersionOf(ctx.type)), 'application/json', ctx.headers);
}

/** The body as an object of the URL's type, in the URL's namespace. */
function bodyObject(ctx: HandlerContext, raw: unknown): KubeObject {
  if (!isMap(raw)) throw statusErrors.badRequest('the request body must be a JSON object');
  const obj = raw as KubeObject;
  const { type, info } = ctx;
  if (obj.kind !== undefined && obj.kind !== type.kind && info.subresource !== 'scale') {
    throw statusErrors.badRequest(
      `the kind in the request body (${String(obj.kind)}) does not match the URL (${type.kind})`,
    );
  }
  if (!isMap(obj.metadata)) obj.metadata = { name: '' };
  if (info.subresource !== 'scale') {
    obj.kind = type.kind;
    obj.apiVersion = apiVersionOf(type);
  }
  if (type.namespaced) {
    if (obj.metadata.namespace && info.namespace && obj.metadata.namespace !== info.namespace) {
      throw statusErrors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (info.namespace) obj.metadata.namespace = info.namespace;
  }
  return obj;
}

export async function handleCreate(ctx: HandlerContext): Promise<void> {
  const text = await readBody(ctx.req);
  const obj = bodyObject(ctx, parseBody(text, mediaType(ctx.req.headers['content-type'])));
  const dryRun = isDryRun(ctx);
  checkFields(ctx, obj);
  if (ctx.type.subresources?.includes('status') && ctx.type.storageKey !== '/namespaces') delete obj.status;
  const created = ctx.store.create(obj, { manager: fieldManager(ctx), dryRun });
  respond(ctx, 201, created);
}

export async function handleUpdate(ctx: HandlerContext): Promise<void> {
  const { info, type, store } = ctx;
  const text = await readBody(ctx.req);
  const obj = bodyObject(ctx, parseBody(text, mediaType(ctx.req.headers['content-type'])));
  const name = info.name ?? '';
  if (obj.metadata.name && obj.metadata.name !== name) {
    throw statusErrors.badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  obj.metadata.name = name;
  const dryRun = isDryRun(ctx);
  const manager = fieldManager(ctx);
  if (info.subresource === 'scale') {
    const current = store.get(type, info.namespace, name);
    if (!current) throw statusErrors.notFound(targetOf(ctx));
    const replicas = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
    const rv = obj.metadata.resourceVersion;
    const next = {
      ...current,
      metadata: { ...current.metadata, ...(rv ? { resourceVersion: rv } : {}) },
      spec: { ...(current.spec as object), replicas },
    };
    return respond(ctx, 200, store.update(next, { manager, dryRun, subresource: 'scale' }));
  }
  if (!info.subresource) checkFields(ctx, obj);
  if (type.custom && !obj.metadata.resourceVersion && !info.subresource) {
    throw statusErrors.invalid(targetOf(ctx, name), [
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.resourceVersion',
        message: 'Invalid value: 0x0: must be specified for an update',
      },
    ]);
  }
  const sub = info.subresource === 'status' ? ('status' as const) : undefined;
  const updated = store.update(obj, { manager, dryRun, ...(sub ? { subresource: sub } : {}) });
  respond(ctx, 200, updated);
}

function jsonPatchOps(raw: unknown): JsonPatchOp[] {
  if (!Array.isArray(raw)) throw statusErrors.badRequest('a JSON patch must be an array of operations');
  return raw as JsonPatchOp[];
}

export async function handlePatch(ctx: HandlerContext): Promise<void> {
  const { info, type, store } = ctx;
  const contentType = mediaType(ctx.req.headers['content-type']);
  const text = await readBody(ctx.req);
  const name = info.name ?? '';
  const dryRun = isDryRun(ctx);
  const manager = fieldManager(ctx);
  const current = store.get(type, info.namespace, name);

  if (contentType === 'application/apply-patch+yaml' || contentType === 'application/apply-patch+cbor') {
    if (info.subresource)
      throw statusErrors.methodNotAllowed(
        `server-side apply to the ${info.subresource} subresource is not supported by the demo server`,
      );
    if (!ctx.info.query.get('fieldManager')) {
      throw statusErrors.badRequest(
        'PATCH, application/apply-patch+yaml: fieldManager is required for apply requests',
      );
    }
    const applied = checkAppliedIdentity(type, parseBody(text, 'yaml'), name, info.namespace);
    checkFields(ctx, applied);
    const force = info.query.get('force') === 'true';
    const { object, managedFields } = serverSideApply({ type, live: current, applied, manager, force });
    if (!current) {
      if (type.subresources?.includes('status')) delete object.status;
      return respond(
        ctx,
        201,
        store.create(
          { ...object, apiVersion: apiVersionOf(type), kind: type.kind },
          { manager, dryRun, managedFields },
        ),
      );
    }
    const next = {
      ...object,
      metadata: {
        ...object.metadata,
        resourceVersion: applied.metadata.resourceVersion ?? current.metadata.resourceVersion,
      },
    };
    return respond(ctx, 200, store.update(next, { manager, dryRun, managedFields }));
  }

  if (!current) throw statusErrors.notFound(targetOf(ctx));
  const view: unknown = info.subresource === 'scale' ? scaleOf(current) : structuredClone(current);
  const patch = parseBody(text, 'json');
  let patched: unknown;
  switch (contentType) {
    case 'application/merge-patch+json':
      if (!isMap(patch)) throw statusErrors.badRequest('a merge patch must be a JSON object');
      patched = applyMergePatch(view, patch);
      break;
    case 'application/json-patch+json':
      try {
        patched = applyJsonPatch(view, jsonPatchOps(patch));
      } catch (err) {
        if (err instanceof JsonPatchTestError) {
          throw new KubeStatusError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: ${err.message}`,
            {
              name,
              group: type.group,
              kind: type.resource,
              causes: [{ reason: 'FieldValueInvalid', field: err.path, message: err.message }],
            },
          );
        }
        if (err instanceof JsonPatchError)
          throw new KubeStatusError(
            422,
            'Invalid',
            `the server rejected our request due to an error in our request: ${err.message}`,
          );
        throw err;
      }
      break;
    case 'application/strategic-merge-patch+json':
      if (type.custom) throw statusErrors.unsupportedMediaType(contentType);
      try {
        patched = applyStrategicMergePatch(view, patch);
      } catch (err) {
        if (err instanceof StrategicMergeError) throw statusErrors.badRequest(err.message);
        throw err;
      }
      break;
    default:
      throw statusErrors.unsupportedMediaType(contentType);
  }
  if (!isMap(patched)) throw statusErrors.unprocessable('the patched object is not a JSON object');
  let next: KubeObject;
  if (info.subresource === 'scale') {
    const replicas = (patched.spec as { replicas?: unknown } | undefined)?.replicas;
    const rv = (patched.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    next = {
      ...current,
      metadata: { ...current.metadata, resourceVersion: rv ?? current.metadata.resourceVersion },
      spec: { ...(current.spec as object), replicas },
    };
  } else {
    next = patched as KubeObject;
    if (!isMap(next.metadata)) next.metadata = { name };
    next.metadata.name = name;
    if (type.namespaced) next.metadata.namespace = info.namespace;
    next.apiVersion = apiVersionOf(type);
    next.kind = type.kind;
    if (!info.subresource) checkFields(ctx, next);
  }
  const sub = info.subresource === 'status' || info.subresource === 'scale' ? info.subresource : undefined;
  respond(ctx, 200, store.update(next, { manager, dryRun, ...(sub ? { subresource: sub } : {}) }));
}

async function deleteOptions(ctx: HandlerContext): Promise<Record<string, unknown>> {
  const text = await readBody(ctx.req);
  if (text.trim() === '') return {};
  const body = parseBody(text, 'json');
  return isMap(body) ? body : {};
}

export async function handleDelete(ctx: HandlerContext): Promise<void> {
  const { info, type, store } = ctx;
  const opts = await deleteOptions(ctx);
  const dryRun = isDryRun(ctx) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
  const pre = isMap(opts.preconditions)
    ? (opts.preconditions as { uid?: string; resourceVersion?: string })
    : undefined;
  const deleted = store.delete(type, info.namespace, info.name ?? '', {
    dryRun,
    ...(pre ? { preconditions: pre } : {}),
  });
  respond(ctx, 200, deleted);
}

export async function handleDeleteCollection(
  ctx: HandlerContext,
  matches: (o: KubeObject) => boolean,
): Promise<void> {
  const { info, type, store } = ctx;
  await deleteOptions(ctx);
  const dryRun = isDryRun(ctx);
  const doomed = store.list(type, type.namespaced ? info.namespace : undefined).filter(matches);
  const items = doomed.map((o) => store.delete(type, o.metadata.namespace, o.metadata.name, { dryRun }));
  sendJson(
    ctx.res,
    200,
    {
      kind: type.listKind,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: String(store.resourceVersion) },
      items,
    },
    ctx.headers,
  );
}
