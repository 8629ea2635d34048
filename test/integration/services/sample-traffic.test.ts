import { describe, expect, it } from 'vitest';
import { parseSampleJsonl } from '../../../main/core/services/sample-traffic.ts';

describe('sample traffic for the live preview', () => {
  it('reads one request a line, skipping blank lines', () => {
    const requests = parseSampleJsonl('{"path":"/a","headers":{"x":"1"}}\n\n{"method":"POST"}\r\n');
    expect(requests).toEqual([{ path: '/a', headers: { x: '1' } }, { method: 'POST' }]);
  });

  it('names the line and the field of a bad request', () => {
    expect(() => parseSampleJsonl('{}\n{"headers":{"x":1}}')).toThrow(
      /line 2: field 'headers.x' must be a string/,
    );
    expect(() => parseSampleJsonl('{}\n{}\n[1]')).toThrow(/line 3: expected a JSON object/);
    expect(() => parseSampleJsonl('{"path":"a"}')).toThrow(/line 1: field 'path' must start with '\/'/);
    expect(() => parseSampleJsonl('{oops')).toThrow(/line 1: not valid JSON/);
  });

  it('refuses an empty sample', () => {
    expect(() => parseSampleJsonl('\n \n')).toThrow(/holds no requests/);
  });
});
