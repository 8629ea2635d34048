export interface BenchRow {
  file: string;
  figure: string;
  value?: number;
  unit?: string;
  goal?: number;
  /** null: the benchmark was skipped (opt-in). */
  met: boolean | null;
  loadAvg1m?: number;
  peer?: { name: string; value: number; ratio: number; goalRatio?: number };
  note?: string;
}
export function lastJson(stdout: string): Record<string, unknown> | undefined;
export function benchRows(file: string, stdout: string, status: number | null): BenchRow[];
export function figuresTable(rows: BenchRow[], machine: { cores: number; loadAvg1m: number }): string;
