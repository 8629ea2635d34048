// The visitors' user agents come from a snapshot of the `user-agents` package's most common entries
// (main/demo/sim/user-agent-pool.ts), so the running demo does not load the package's 5 MB of data.
// This test keeps the snapshot equal to the package; `UPDATE_UA_POOL=1` rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { USER_AGENT_POOL_SIZE, userAgentTop } from '../../../main/demo/sim/user-agent-pool.ts';

const require = createRequire(import.meta.url);
const UserAgent = require('user-agents') as {
  top(count?: number): Array<{ userAgent: string; weight: number }>;
};
const packageJson = new URL('../../../node_modules/user-agents/package.json', import.meta.url);
const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

function poolSource(top: Array<{ userAgent: string; weight: number }>): string {
  const strings = [...new Set(top.map((d) => d.userAgent))];
  const index = new Map(strings.map((s, i) => [s, i]));
  const pairs = top.map((d) => `${index.get(d.userAgent)}:${d.weight}`);
  const lines: string[] = [];
  for (let i = 0; i < pairs.length; i += 40) lines.push(`  '${pairs.slice(i, i + 40).join(' ')}',`);
  return [
    `// Generated from user-agents@${version}: UserAgent.top(${USER_AGENT_POOL_SIZE}), in its order.`,
    '// Regenerate with UPDATE_UA_POOL=1 npx vitest run --project unit test/unit/demo/sim-user-agent-pool.test.ts',
    'export const USER_AGENT_STRINGS: readonly string[] = [',
    ...strings.map((s) => `  '${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}',`),
    '];',
    '',
    '/** `stringIndex:weight` pairs, space-separated. */',
    'export const USER_AGENT_WEIGHTS: readonly string[] = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}

describe('user agent pool snapshot', () => {
  it('equals the user-agents package top entries, in order and with the same weights', () => {
    const top = UserAgent.top(USER_AGENT_POOL_SIZE).map((d) => ({
      userAgent: d.userAgent,
      weight: d.weight,
    }));
    if (process.env.UPDATE_UA_POOL === '1') {
      const file = new URL('../../../main/demo/sim/user-agent-data.ts', import.meta.url);
      writeFileSync(file, poolSource(top));
      expect(readFileSync(file, 'utf8')).toContain(`user-agents@${version}`);
      return;
    }
    expect(top.length).toBe(USER_AGENT_POOL_SIZE);
    expect(userAgentTop()).toEqual(top);
  });
});
