// The contract's part of traffic mirroring and sticky canaries: what a desired release may ask
// (`mirror`, `sticky`) and what a release view shows. The limits match shared/mesh (mirror-edits.ts,
// model/sticky.ts), which checks them again when it plans.

import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

const oneDecimal = (p: number) => Math.abs(p * 10 - Math.round(p * 10)) < 1e-9;

export const MirrorInput = lazySchema(() =>
  z
    .object({
      /** The version that receives the copies (their answers are discarded). */
      version: z.string().min(1, 'mirror.version: name the version that receives the copies'),
      percentage: z
        .number({ error: 'mirror.percentage must be a number from 0 to 100' })
        .min(0, 'mirror.percentage must be from 0 to 100')
        .max(100, 'mirror.percentage must be from 0 to 100')
        .refine(oneDecimal, 'mirror.percentage takes at most one decimal (e.g. 12.5)'),
    })
    .strict(),
);
export type MirrorInput = z.infer<typeof MirrorInput>;

export const StickyInput = lazySchema(() =>
  z
    .object({
      enabled: z.boolean(),
      /** The cookie naming the version (default `sy-version`). */
      cookie: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, "sticky.cookie must be 1–64 letters, digits, '-' or '_'")
        .optional(),
      /** How long a user stays on their version, in seconds (default one day). */
      maxAgeSeconds: z
        .number()
        .int('sticky.maxAgeSeconds must be whole seconds')
        .min(1, 'sticky.maxAgeSeconds must be at least 1')
        .max(31_536_000, 'sticky.maxAgeSeconds must be at most one year (31536000)')
        .optional(),
    })
    .strict(),
);
export type StickyInput = z.infer<typeof StickyInput>;

export const MirrorView = lazySchema(() => z.object({ version: z.string(), percentage: z.number() }));
export type MirrorView = z.infer<typeof MirrorView>;

export const StickyView = lazySchema(() =>
  z.object({
    cookie: z.string(),
    maxAgeSeconds: z.number().int().optional(),
    /** Versions whose catch-all destination sets the cookie. */
    versions: z.array(z.string()),
  }),
);
export type StickyView = z.infer<typeof StickyView>;
