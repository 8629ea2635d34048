import { USER_AGENT_STRINGS, USER_AGENT_WEIGHTS } from './user-agent-data.ts';

/** How many of the package's most common entries the snapshot holds. */
export const USER_AGENT_POOL_SIZE = 1500;

export interface WeightedUserAgent {
  userAgent: string;
  weight: number;
}

let decoded: WeightedUserAgent[] | undefined;

/**
 * The `user-agents` package's `top(1500)`: real user-agent strings with their share weights, most
 * common first. Read from a generated snapshot (kept equal to the package by a unit test) so the
 * demo does not load the package's whole data set, which costs tens of MB of memory.
 */
export function userAgentTop(): readonly WeightedUserAgent[] {
  if (decoded) return decoded;
  const out: WeightedUserAgent[] = [];
  for (const line of USER_AGENT_WEIGHTS) {
    for (const pair of line.split(' ')) {
      const colon = pair.indexOf(':');
      const userAgent = USER_AGENT_STRINGS[Number(pair.slice(0, colon))];
      if (userAgent === undefined) throw new Error(`user agent snapshot: bad entry '${pair}'`);
      out.push({ userAgent, weight: Number(pair.slice(colon + 1)) });
    }
  }
  decoded = out;
  return out;
}
