import { z } from 'zod';
import { severities } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formText } from '../../lib/forms.js';
import { idField } from '../../lib/params.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';

export const findingListQuerySchema = z.object({
  status: z.enum(['open', 'closed']).optional().catch(undefined),
  severity: z.enum(severities).optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  /** `commune`: the area as the summary by commune counts it, record by record on its date. */
  level: z.enum(['commune']).optional().catch(undefined),
  referral: z.enum(['pending', 'done']).optional().catch(undefined),
  venue: z.coerce.number().int().positive().optional().catch(undefined),
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  approved: z.enum(['1']).optional().catch(undefined),
  category: z.string().regex(/^([A-Z]|none)$/).optional().catch(undefined),
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type FindingListQuery = z.infer<typeof findingListQuerySchema>;

/** A finding outside the checklist, as typed on the report's page. */
export const findingFormSchema = z.object({ title: formText, severity: formText, description: formText, legalBasis: formText });
export type FindingFormValues = z.infer<typeof findingFormSchema>;

export const newFindingSchema = z.object({
  title: z.string().transform(cleanText).pipe(z.string().min(1, 'errors.finding.titleRequired').max(300, 'errors.tooLongShort')),
  severity: z.enum(severities, 'errors.finding.severity'),
  description: z.string().trim().max(2000, 'errors.tooLongShort'),
  legalBasis: z.string().transform(cleanText).pipe(z.string().max(300, 'errors.tooLongShort')),
});
export type NewFindingInput = z.infer<typeof newFindingSchema>;

/** A referral as typed. */
export const referralFormSchema = z.object({ agency: formText, referredOn: formText, reference: formText, victimDetails: formText, version: formText });
export type ReferralFormValues = z.infer<typeof referralFormSchema>;

/** A referral, typed; the date is read here, and checked against the finding's visit and today by the service. */
export const referralSchema = z
  .object({
    agency: z.string().refine((code) => vocabularyCodes('agencies').includes(code), 'errors.referral.agency'),
    referredOn: z.string().trim().min(1, 'errors.date.required'),
    reference: z.string().transform(cleanText).pipe(z.string().max(100, 'errors.tooLongShort')),
    victimDetails: z.string().trim().max(500, 'errors.referral.victimTooLong'),
    version: z.string(),
  })
  // The date is read once the rest reads, as the referral form always has.
  .transform((form, context) => {
    const referredOn = parseDateInput(form.referredOn);
    if (!referredOn) {
      context.addIssue({ code: 'custom', message: 'errors.date.invalid', path: ['referredOn'] });
      return z.NEVER;
    }
    return { ...form, referredOn, version: Number(form.version) };
  });
export type ReferralInput = z.infer<typeof referralSchema>;

/** A change of severity as sent: an unknown level is refused by the service, as a state it cannot take. */
export const severityFormSchema = z.object({ severity: formText });

/** Closing a finding cannot be undone: `confirm` is "yes" once the person has confirmed it. */
export const closureFormSchema = z.object({ confirm: formText });

/** `/findings/:id` routes. */
export const findingParamsSchema = z.object({ id: idField });
