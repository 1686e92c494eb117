import { z } from 'zod';
import { venueStatuses } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { asText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';

/** The venue form as typed, re-rendered on an error. */
export interface VenueFormValues {
  kind: string;
  name: string;
  areaId: string;
  address: string;
  ownerName: string;
  phone: string;
  businessRegistrationNumber: string;
  licenceNumber: string;
  licenceExpiry: string;
  staffCount: string;
  status: string;
  notes: string;
  version: string;
  submissionKey: string;
  /** Set when the person has seen the likely-duplicate warning and saves anyway. */
  confirmDuplicate: string;
}

const fields = [
  'kind',
  'name',
  'areaId',
  'address',
  'ownerName',
  'phone',
  'businessRegistrationNumber',
  'licenceNumber',
  'licenceExpiry',
  'staffCount',
  'status',
  'notes',
  'version',
  'submissionKey',
  'confirmDuplicate',
] as const;

export function readVenueForm(body: unknown): VenueFormValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, asText(form[field])])) as unknown as VenueFormValues;
}

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

export const venueIdParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });
