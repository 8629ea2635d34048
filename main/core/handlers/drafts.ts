import type { ApiHandlers } from '../api-dispatch.ts';
import type { DraftsService } from '../drafts/drafts-service.ts';

export type DraftCalls = Pick<
  ApiHandlers,
  | 'drafts.list'
  | 'drafts.create'
  | 'drafts.import'
  | 'drafts.get'
  | 'drafts.update'
  | 'drafts.duplicate'
  | 'drafts.delete'
  | 'drafts.compare'
  | 'drafts.plan'
  | 'drafts.export'
>;

/** drafts.*: the saved offline drafts, over the drafts service. */
export function draftHandlers(d: DraftsService): DraftCalls {
  return {
    'drafts.list': (req) => d.list(req),
    'drafts.create': (req) => d.create(req),
    'drafts.import': (req) => d.importFiles(req),
    'drafts.get': (req) => d.get(req),
    'drafts.update': (req) => d.update(req),
    'drafts.duplicate': (req) => d.duplicate(req),
    'drafts.delete': (req) => d.remove(req),
    'drafts.compare': (req) => d.compare(req),
    'drafts.plan': (req) => d.plan(req),
    'drafts.export': (req) => d.exportAs(req),
  };
}
