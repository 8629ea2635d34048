// The error codes as plain values, apart from errors.ts (which builds zod schemas from them): the
// renderer checks a result frame's code on its first screen, where zod is not loaded (issue 13).

export const API_ERROR_CODES = [
  'invalid-request', // the payload failed its schema
  'unknown-channel', // the call is not in the contract
  'invalid-response', // main produced something the contract does not allow (a bug in main)
  'not-found',
  'unauthorized',
  'forbidden',
  'conflict',
  'unavailable',
  'timeout',
  'internal',
] as const;
