import { z } from 'zod';
import { API_ERROR_CODES } from './error-codes.ts';
import { lazySchema } from './lazy-schema.ts';

/** Every failure that crosses the contract is one of these codes, never a thrown string. */
export const ApiErrorCode = lazySchema(() => z.enum(API_ERROR_CODES));
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiError = lazySchema(() =>
  z.object({
    code: ApiErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
);
export type ApiError = z.infer<typeof ApiError>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail(code: ApiErrorCode, message: string, details?: unknown): ApiResult<never> {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/** Thrown inside main's handlers to choose the code the renderer sees; dispatch turns it into a value. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Readable one-line text for an issue list: "message (field: problem; …)". */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
