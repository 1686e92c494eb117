import { z } from 'zod';
import { tokenAccess } from '../../../db/schema/index.js';
import { formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';

/** How long a new token may live, in days: the choices the form offers. */
export const tokenLifetimes = [30, 90, 180, 365] as const;

/** The new-token form as typed. */
export const tokenFormSchema = z.object({ name: formText, access: formText, days: formText, submissionKey: formText });
export type TokenFormValues = z.infer<typeof tokenFormSchema>;

export const tokenInputSchema = z.object({
  name: z.string().transform(cleanText).pipe(z.string().min(1, 'errors.token.nameRequired').max(80, 'errors.token.nameTooLong')),
  access: z.enum(tokenAccess, 'errors.token.access'),
  days: z
    .string()
    .transform(Number)
    .refine((days) => (tokenLifetimes as readonly number[]).includes(days), 'errors.token.days'),
});
export type TokenInput = z.infer<typeof tokenInputSchema>;

/** /admin/users/:id/tokens/:tokenId/revoke and /profile/tokens/:tokenId/revoke. */
export const tokenParamsSchema = z.object({ tokenId: z.coerce.number().int().positive().max(2 ** 31) });
export const accountTokenParamsSchema = tokenParamsSchema.extend({ id: z.coerce.number().int().positive().max(2 ** 31) });
export const accountParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });
