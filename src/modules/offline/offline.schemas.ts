import { z } from 'zod';

/** GET /offline/bundle: everything the signed-in inspector's rounds need, or one round of them (`?round=ID`). */
export const bundleQuerySchema = z.object({ round: z.coerce.number().int().positive().optional() });
export type BundleQuery = z.infer<typeof bundleQuerySchema>;

/** GET /offline/report: the report form built on the phone for a report started offline, named by its local id. */
export const localReportQuerySchema = z.object({ draft: z.string().max(64).optional() });
export type LocalReportQuery = z.infer<typeof localReportQuerySchema>;
