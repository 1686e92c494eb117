import { z } from 'zod';

const monthPattern = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/;

/**
 * /calendar's query: the month shown (YYYY-MM) and an area. A month that does not read is not refused: the
 * current month is shown with a notice, so `monthInvalid` says whether one was asked for and dropped.
 */
export const calendarQuerySchema = z
  .object({
    month: z.unknown().optional(),
    area: z.coerce.number().int().positive().optional().catch(undefined),
  })
  .transform(({ month, area }) => {
    const valid = typeof month === 'string' && monthPattern.test(month) ? month : undefined;
    return { month: valid, area, monthInvalid: month !== undefined && month !== '' && valid === undefined };
  });
export type CalendarQuery = z.infer<typeof calendarQuerySchema>;
