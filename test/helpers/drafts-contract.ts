import { apiFailureOf } from '../../main/core/handlers/api-failures.ts';
import type { DraftCalls } from '../../main/core/handlers/drafts.ts';
import { draftCalls } from '../../shared/api/draft-schemas.ts';
import type { KubeObject } from '../../shared/mesh/model/index.ts';

/** Every answer checked against the contract and every error mapped, as dispatch does before the renderer sees it. */
export function checkedDraftCalls(calls: DraftCalls): DraftCalls {
  const out: Record<string, (req: never) => Promise<unknown>> = {};
  for (const [name, call] of Object.entries(calls) as Array<
    [keyof DraftCalls, (req: never) => Promise<unknown>]
  >)
    out[name] = async (req) => {
      let answer: unknown;
      try {
        answer = await call(req);
      } catch (err) {
        throw apiFailureOf(err);
      }
      return draftCalls[name].response.parse(answer);
    };
  return out as unknown as DraftCalls;
}

export type HttpRoute = {
  name?: string;
  route: Array<{ destination: { subset: string }; weight?: number }>;
  retries?: { perTryTimeout?: string };
};

export const httpOf = (vs: KubeObject) => (vs.spec as { http: HttpRoute[] }).http;
/** Index of the route named `default` (the demo's catch-all). */
export const defaultIndex = (vs: KubeObject) => httpOf(vs).findIndex((r) => r.name === 'default');
export const defaultRoute = (vs: KubeObject) => httpOf(vs)[defaultIndex(vs)] as HttpRoute;
/** The catch-all split of a VirtualService, by subset. */
export const splitOf = (vs: KubeObject) =>
  Object.fromEntries(defaultRoute(vs).route.map((d) => [d.destination.subset, d.weight]));
