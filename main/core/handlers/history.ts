import type { ApiHandlers } from '../api-dispatch.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { planUndo } from '../services/release-changes.ts';
import { listHistory } from '../services/release-reads.ts';

/** history.*: the applied changes, and Undo of one (planned for review like any change). */
export function historyHandlers(s: ConsoleServices): Pick<ApiHandlers, 'history.list' | 'history.undo'> {
  return {
    'history.list': (req) => listHistory(s, req),
    'history.undo': ({ entryId }) => planUndo(s, entryId),
  };
}
