import type { RegexEngine } from '../../../shared/mesh/model/index.ts';
import type { ApiHandlers } from '../api-dispatch.ts';

/** rules.*: checks the patterns of content rules with the engine the routes are matched by. */
export function ruleHandlers(engine: RegexEngine): Pick<ApiHandlers, 'rules.check'> {
  return {
    async 'rules.check'({ patterns }) {
      return { results: patterns.map((pattern) => ({ pattern, error: engine.check(pattern) })) };
    },
  };
}
