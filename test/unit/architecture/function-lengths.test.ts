import { describe, expect, it } from 'vitest';
import { functionSizes } from '../../helpers/function-lengths.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const MOST_LINES = 150;

describe(`functions in main/core (at most ${MOST_LINES} lines)`, () => {
  const sizes = functionSizes(repoRoot, 'main/core');

  it('reads the functions of main/core, nested ones included', () => {
    expect(sizes.length).toBeGreaterThan(500);
    expect(
      sizes.find((f) => f.file === 'main/core/api-dispatch.ts' && f.name === 'dispatchCall'),
    ).toBeDefined();
  });

  it('has no function longer than that', () => {
    const long = sizes
      .filter((f) => f.lines > MOST_LINES)
      .map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });

  it('measures a function from its first to its last line', () => {
    const dispatch = sizes.find((f) => f.name === 'dispatchCall');
    expect(dispatch?.lines).toBeGreaterThan(20);
    expect(dispatch?.lines).toBeLessThan(MOST_LINES);
  });
});
