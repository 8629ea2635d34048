// The closing table of `npm run bench`: every benchmark's figures against their goals.

/** The last top-level JSON object a benchmark printed (other lines may come before it). */
export function lastJson(stdout) {
  let end = stdout.lastIndexOf('}');
  while (end >= 0) {
    let depth = 0;
    for (let i = end; i >= 0; i--) {
      const c = stdout[i];
      if (c === '}') depth++;
      else if (c === '{' && --depth === 0) {
        try {
          return JSON.parse(stdout.slice(i, end + 1));
        } catch {
          break;
        }
      }
    }
    end = stdout.lastIndexOf('}', end - 1);
  }
  return undefined;
}

/**
 * One row per figure of a benchmark; one row for the whole benchmark when it prints no figures.
 * @param {string} file
 * @param {string} stdout
 * @param {number | null} status
 */
export function benchRows(file, stdout, status) {
  const json = lastJson(stdout);
  if (json && typeof json.skipped === 'string')
    return [
      { file, figure: json.benchmark ?? '(whole benchmark)', met: null, note: `skipped: ${json.skipped}` },
    ];
  if (json && Array.isArray(json.figures) && json.figures.length > 0)
    return json.figures.map((f) => ({ file, ...f }));
  const verdict = json?.meetsTarget ?? json?.meets;
  const met =
    typeof verdict === 'boolean'
      ? verdict
      : verdict && typeof verdict === 'object'
        ? Object.values(verdict).every(Boolean)
        : status === 0;
  return [
    {
      file,
      figure: json ? (json.benchmark ?? json.bench ?? '(whole benchmark)') : '(printed no JSON)',
      met: json ? met : false,
      note: status === 0 ? 'no per-figure goals: see its JSON' : `exited with ${status}`,
    },
  ];
}

const cell = (v) =>
  (v === undefined || v === null || Number.isNaN(v) ? '' : String(v)).replaceAll('|', '\\|');

/** A Markdown table of the rows. */
export function figuresTable(rows, machine) {
  const head = [
    `Benchmarks on ${machine.cores} core(s), load average ${machine.loadAvg1m.toFixed(1)} at the end (each figure has its own below).`,
    '',
    '| benchmark | figure | value | goal | met | load avg 1m | peer | peer value | ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const lines = rows.map((r) => {
    const unit = r.unit === 'count' ? '' : ` ${r.unit ?? ''}`;
    const value = r.value === undefined ? '' : `${r.value}${unit}`;
    const goal = r.goal === undefined ? '' : `< ${r.goal}${unit}`;
    const ratio =
      r.peer?.ratio === undefined
        ? ''
        : `${r.peer.ratio}${r.peer.goalRatio !== undefined ? ` (goal ≤ ${r.peer.goalRatio})` : ''}`;
    return `| ${cell(r.file.replace('.bench.ts', ''))} | ${cell(r.figure)}${r.note ? ` — ${cell(r.note)}` : ''} | ${cell(value)} | ${cell(goal)} | ${r.met === null ? 'skipped' : r.met ? 'yes' : '**no**'} | ${cell(r.loadAvg1m)} | ${cell(r.peer?.name)} | ${cell(r.peer?.value)} | ${cell(ratio)} |`;
  });
  return [...head, ...lines].join('\n');
}
