export function downloadFailure(run: {
  error?: Error & { code?: string };
  status: number | null;
  stdout?: string;
  stderr?: string;
}): string;
export function fallbackMessage(reason: string | undefined, failure?: string): string;
