import { z } from 'zod';
import { venueStatuses } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';

/** The venue form as typed, re-rendered on an error. */
export const venueFormSchema = z.object({
  kind: formText,
  name: formText,
  areaId: formText,
  address: formText,
  ownerName: formText,
  phone: formText,
  businessRegistrationNumber: formText,
  licenceNumber: formText,
  licenceExpiry: formText,
  staffCount: formText,
  status: formText,
  notes: formText,
  version: formText,
  /** One-time key of a new-venue form, so a double click creates one venue. */
  submissionKey: formText,
  /** Set when the person has seen the likely-duplicate warning and saves anyway. */
  confirmDuplicate: formText,
});
export type VenueFormValues = z.infer<typeof venueFormSchema>;

const text = (max: number, key: string) => z.string().transform(cleanText).pipe(z.string().max(max, key));

/** Rules of a venue's own fields; the area (scope, existence) is checked by the service. */
export const venueInputSchema = z.object({
  kind: z.string().refine((code) => vocabularyCodes('venue_kinds').includes(code), 'errors.venue.kind'),
  name: z.string().transform(cleanText).pipe(z.string().min(1, 'errors.venue.nameRequired').max(200, 'errors.venue.nameTooLong')),
  areaId: z
    .string()
    .regex(/^\d{1,9}$/, 'errors.venue.area')
    .transform(Number),
  address: text(300, 'errors.venue.tooLong'),
  ownerName: text(120, 'errors.venue.tooLong'),
  phone: z
    .string()
    .trim()
    // Digits with the usual separators: "0912 345 678", "(0212) 385 1234", "+84 212 385 1234"; 8 to 15 digits.
    .refine((value) => value === '' || (/^[+(\d][\d .()-]*$/.test(value) && /^\d{8,15}$/.test(value.replace(/\D/g, ''))), 'errors.venue.phone'),
  businessRegistrationNumber: text(50, 'errors.venue.tooLong'),
  licenceNumber: text(50, 'errors.venue.tooLong'),
  licenceExpiry: z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === '') return null;
      const parsed = parseDateInput(value);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: 'errors.date.invalid' });
        return z.NEVER;
      }
      return parsed;
    }),
  staffCount: z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === '') return null;
      if (!/^\d{1,5}$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'errors.wholeNumber' });
        return z.NEVER;
      }
      return Number(value);
    }),
  status: z.enum(venueStatuses, 'errors.venue.status'),
  notes: text(2000, 'errors.venue.tooLong'),
});
export type VenueInput = z.infer<typeof venueInputSchema>;

export const venueListQuerySchema = z.object({
  q: z.string().catch('').default('').transform((value) => value.slice(0, 200)),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.string().max(40).optional().catch(undefined),
  status: z.enum(venueStatuses).optional().catch(undefined),
  expired: z.enum(['1']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type VenueListQuery = z.infer<typeof venueListQuerySchema>;

/** /venues/search: venues to pick from while filing a report in a round. */
export const venueSearchQuerySchema = z.object({
  round: z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined),
  q: z.string().catch('').default('').transform((value) => value.slice(0, 200)),
  /** The venue shown above the list (chosen before the page opened): never listed again. */
  chosen: z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined),
  /** The venue ticked in the list before this search: kept, ticked, at the top of the new list. */
  venueId: z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined),
});
export type VenueSearchQuery = z.infer<typeof venueSearchQuerySchema>;

/** /venues/:id/reinspection?round=: the round chosen (an unknown one answers 404). */
export const reinspectionQuerySchema = z.object({
  round: z.coerce.number().int().positive().max(2 ** 31).catch(0),
});
export type ReinspectionQuery = z.infer<typeof reinspectionQuerySchema>;

/** /venues/import/:token: the preview a confirmation or cancellation is about (an unknown one has expired). */
export const importTokenParamsSchema = z.object({ token: z.string() });
export type ImportTokenParams = z.infer<typeof importTokenParamsSchema>;
