import { z } from 'zod';

/** A record id in a URL: a positive whole number that fits SQLite's integer (anything else answers 404). */
export const idField = z.coerce.number().int().positive().max(2 ** 31);

/** `/:id` routes. */
export const idParamsSchema = z.object({ id: idField });
export type IdParams = z.infer<typeof idParamsSchema>;
