import { z } from 'zod';
import { parseDateInput } from '../../lib/dates.js';

/** A date filter as typed (dd/mm/yyyy or YYYY-MM-DD); one that does not read is left out. */
const optionalDate = z
  .string()
  .max(20)
  .transform((value) => parseDateInput(value) ?? undefined)
  .optional()
  .catch(undefined);

/** /audit's filters: who, which kind of record, which record, from and to (days in Vietnam), and the page. */
export const auditQuerySchema = z.object({
  user: z.coerce.number().int().positive().optional().catch(undefined),
  type: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  record: z.coerce.number().int().positive().optional().catch(undefined),
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
