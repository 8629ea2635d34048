import type { ApiHandlers } from '../api-dispatch.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { listServices } from '../services/release-reads.ts';

/** services.*: the services (releases) of a cluster, live or from its offline snapshot. */
export function serviceHandlers(s: ConsoleServices): Pick<ApiHandlers, 'services.list'> {
  return {
    'services.list': ({ contextId }) => listServices(s, contextId),
  };
}
