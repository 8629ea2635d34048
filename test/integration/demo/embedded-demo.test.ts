import { describe, expect, it } from 'vitest';
import { demoSampleRequests } from '../../../main/demo/embedded-demo.ts';

describe('the demo visitor population the entry points give the core', () => {
  it('draws the same demo requests for the same seed, with real browser user agents', async () => {
    const a = await demoSampleRequests(200, 7);
    const b = await demoSampleRequests(200, 7);
    expect(a).toEqual(b);
    expect(a).toHaveLength(200);
    const android = a.filter((r) => /Android/.test(r.headers?.['user-agent'] ?? '')).length;
    expect(android).toBeGreaterThan(40);
    expect(android).toBeLessThan(140);
  });
});
