import { createSeededRandom, type SeededRandom } from '../seed/seeded-random.ts';
import { userAgentTop } from './user-agent-pool.ts';

/** One simulated visitor: a real browser user-agent string, a user group and a session. */
export interface SimulatedUser {
  userAgent: string;
  /** Cookie user group: beta, internal or public. */
  group: 'beta' | 'internal' | 'public';
  sessionId: string;
  /** Logged-in bookinfo user (sent as `end-user`); `jason` is the one the reviews VirtualService routes to v2. */
  endUser?: string;
  /** A tester who sends `x-canary: always`. */
  canaryTester: boolean;
}

/** How many distinct visitors the population holds; each request picks one. */
export const POPULATION_SIZE = 400;

const GROUP_SHARES: Array<[SimulatedUser['group'], number]> = [
  ['internal', 0.05],
  ['beta', 0.1],
  ['public', 0.85],
];
const USER_NAMES = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
  'peggy',
  'trent',
];

/**
 * Operating-system shares of web traffic, roughly as public browser statistics report them. The
 * package's data comes from one site's visitors (mostly Apple devices), so user agents are drawn
 * per OS with these shares, and within an OS by the package's weights.
 */
export const OS_SHARES: ReadonlyArray<[string, number, RegExp]> = [
  ['android', 0.4, /Android/],
  ['windows', 0.27, /Windows NT/],
  ['ios', 0.17, /iPhone|iPad|iPod/],
  ['macos', 0.1, /Macintosh|Mac OS X/],
  ['linux', 0.04, /Linux|X11|CrOS/],
];

interface UaEntry {
  userAgent: string;
  weight: number;
}

let uaPool: Map<string, { entries: UaEntry[]; total: number }> | undefined;

function userAgentPool(): Map<string, { entries: UaEntry[]; total: number }> {
  if (uaPool) return uaPool;
  const pool = new Map<string, { entries: UaEntry[]; total: number }>();
  // The `user-agents` package's most common entries, ordered by weight (a generated snapshot).
  for (const d of userAgentTop()) {
    const os = OS_SHARES.find(([, , re]) => re.test(d.userAgent))?.[0];
    if (!os) continue;
    const bucket = pool.get(os) ?? { entries: [], total: 0 };
    bucket.entries.push({ userAgent: d.userAgent, weight: d.weight });
    bucket.total += d.weight;
    pool.set(os, bucket);
  }
  uaPool = pool;
  return pool;
}

function weightedPick<T>(
  random: SeededRandom,
  items: ReadonlyArray<T>,
  weightOf: (t: T) => number,
  total: number,
): T {
  let x = random.next() * total;
  for (const item of items) {
    x -= weightOf(item);
    if (x < 0) return item;
  }
  return items[items.length - 1] as T;
}

function hex(random: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[random.int(16)];
  return out;
}

function buildPopulation(seed: number): SimulatedUser[] {
  const random = createSeededRandom(seed).fork('population');
  const pool = userAgentPool();
  const present = OS_SHARES.filter(([os]) => pool.has(os));
  const shareTotal = present.reduce((n, [, share]) => n + share, 0);
  const users: SimulatedUser[] = [];
  for (let i = 0; i < POPULATION_SIZE; i++) {
    const [os] = weightedPick(random, present, ([, share]) => share, shareTotal);
    const bucket = pool.get(os) as { entries: UaEntry[]; total: number };
    const { userAgent } = weightedPick(random, bucket.entries, (p) => p.weight, bucket.total);
    const group = weightedPick(random, GROUP_SHARES, ([, share]) => share, 1)[0];
    const login = random.next();
    const endUser =
      login < 0.015 ? 'jason' : login < 0.35 ? `${random.pick(USER_NAMES)}${random.int(100)}` : undefined;
    users.push({
      userAgent,
      group,
      sessionId: hex(random, 16),
      ...(endUser ? { endUser } : {}),
      canaryTester: random.next() < 0.005,
    });
  }
  return users;
}

const populations = new Map<number, SimulatedUser[]>();

/**
 * The visitor population for a seed: built once (module-level, shared by every simulation with the
 * same seed) so generating a request only picks an index.
 */
export function requestPopulation(seed: number): readonly SimulatedUser[] {
  let users = populations.get(seed);
  if (!users) {
    users = buildPopulation(seed);
    populations.set(seed, users);
  }
  return users;
}

/** The headers a visitor's browser sends with each request through the ingress gateway. */
export function visitorHeaders(user: SimulatedUser, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': user.userAgent,
    cookie: `session_id=${user.sessionId}; group=${user.group}`,
    'x-request-id': requestId,
    'x-b3-traceid': requestId.replace(/-/g, '').slice(0, 32).padEnd(32, '0'),
  };
  if (user.endUser) headers['end-user'] = user.endUser;
  if (user.canaryTester) headers['x-canary'] = 'always';
  return headers;
}

/**
 * Headers a service forwards to the services it calls. Bookinfo propagates tracing headers,
 * user-agent and end-user (as its sample code does), not cookies; the shop forwards cookies too.
 */
export function propagatedHeaders(
  incoming: Record<string, string>,
  forwardCookies: boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['x-request-id', 'x-b3-traceid', 'user-agent', 'end-user', 'x-canary']) {
    const v = incoming[name];
    if (v !== undefined) out[name] = v;
  }
  if (forwardCookies && incoming.cookie !== undefined) out.cookie = incoming.cookie;
  return out;
}
