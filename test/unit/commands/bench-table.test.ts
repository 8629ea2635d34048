import { describe, expect, it } from 'vitest';
import { benchRows, figuresTable, lastJson } from '../../../scripts/bench-table.mjs';

// `npm run bench` closes with one table of every figure against its goal.

const printed = `warming up
${JSON.stringify(
  {
    benchmark: 'click-confirmed',
    figures: [
      {
        figure: 'click → confirmed, median',
        value: 41.2,
        unit: 'ms',
        goal: 50,
        met: true,
        loadAvg1m: 3.1,
        peer: { name: 'kubectl patch', value: 90, ratio: 0.46, goalRatio: 0.5, met: true },
      },
      { figure: 'view confirmed, median', value: 61, unit: 'ms', goal: 50, met: false, loadAvg1m: 3.1 },
    ],
    nested: { a: { b: 1 } },
  },
  null,
  2,
)}
`;

describe('the benchmark table', () => {
  it('reads the last JSON object a benchmark printed, after other output', () => {
    expect(lastJson(printed)?.benchmark).toBe('click-confirmed');
    expect(lastJson('no json here')).toBeUndefined();
  });

  it('has a row per figure with its goal, verdict, load average and the kubectl ratio', () => {
    const rows = benchRows('click-confirmed.bench.ts', printed, 1);
    const table = figuresTable(rows, { cores: 2, loadAvg1m: 3.14 });
    const lines = table.split('\n');
    expect(lines[0]).toContain('2 core(s), load average 3.1');
    expect(lines).toContain(
      '| click-confirmed | click → confirmed, median | 41.2 ms | < 50 ms | yes | 3.1 | kubectl patch | 90 | 0.46 (goal ≤ 0.5) |',
    );
    expect(lines).toContain(
      '| click-confirmed | view confirmed, median | 61 ms | < 50 ms | **no** | 3.1 |  |  |  |',
    );
  });

  it('lists a benchmark without figures by its overall verdict, and one that printed nothing as failed', () => {
    const old = benchRows('apply.bench.ts', JSON.stringify({ benchmark: 'apply', meetsTarget: true }), 0);
    expect(old).toEqual([expect.objectContaining({ figure: 'apply', met: true })]);
    const skipped = benchRows('scale.bench.ts', JSON.stringify({ benchmark: 'scale', skipped: 'opt-in' }), 0);
    expect(figuresTable(skipped, { cores: 2, loadAvg1m: 1 })).toContain(
      '| scale | scale — skipped: opt-in |  |  | skipped |',
    );
    const broken = benchRows('x.bench.ts', 'Error: boom', 1);
    expect(broken).toEqual([
      expect.objectContaining({ figure: '(printed no JSON)', met: false, note: 'exited with 1' }),
    ]);
  });
});
