export function firstLine(text: unknown): string;
export function testCounts(
  kind: string | undefined,
  data: unknown,
): { passed: number; failed: number; skipped: number };
export function failedTests(kind: string | undefined, data: unknown, cwd: string): string[];
export function errorsOutsideTests(output: unknown): string[];
