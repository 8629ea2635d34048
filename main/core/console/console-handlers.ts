import { ApiFailure } from '../../../shared/api/errors.ts';
import type { ApiHandlers, EventSink } from '../api-dispatch.ts';

export type ConsoleCalls = Pick<
  ApiHandlers,
  | 'sessions.open'
  | 'sessions.close'
  | 'services.list'
  | 'release.get'
  | 'release.plan'
  | 'release.apply'
  | 'history.list'
  | 'history.undo'
>;

export interface ConsoleDependencies {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  emit: EventSink;
}

/**
 * The console's calls over cluster sessions, the routing core and the apply engine.
 * Until sessions are wired in, every call answers 'unavailable' with the reason.
 */
export function createConsoleHandlers(
  _deps: ConsoleDependencies,
): ConsoleCalls & { dispose(): Promise<void> } {
  const unavailable = async (): Promise<never> => {
    throw new ApiFailure('unavailable', 'cluster sessions are not available in this build yet');
  };
  return {
    'sessions.open': unavailable,
    'sessions.close': unavailable,
    'services.list': unavailable,
    'release.get': unavailable,
    'release.plan': unavailable,
    'release.apply': unavailable,
    'history.list': unavailable,
    'history.undo': unavailable,
    async dispose() {},
  };
}
