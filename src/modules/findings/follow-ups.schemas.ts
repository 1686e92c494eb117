import { z } from 'zod';
import { followUpStatuses, responsibleKinds, type FollowUpStatus } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { addFieldError, formText, type FieldErrors } from '../../lib/forms.js';
import { parseWholeNumber } from '../../lib/money.js';
import { idField } from '../../lib/params.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { FollowUpRow } from './follow-ups.repository.js';

export const followUpListQuerySchema = z.object({
  mine: z.enum(['1']).optional().catch(undefined),
  overdue: z.enum(['1']).optional().catch(undefined),
  due7: z.enum(['1']).optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  /** `commune`: the area as the summary by commune counts it, record by record on its finding's date. */
  level: z.enum(['commune']).optional().catch(undefined),
  agency: z.string().max(40).optional().catch(undefined),
  measure: z.string().max(40).optional().catch(undefined),
  status: z.enum(followUpStatuses).optional().catch(undefined),
  open: z.enum(['1']).optional().catch(undefined),
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  approved: z.enum(['1']).optional().catch(undefined),
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type FollowUpListQuery = z.infer<typeof followUpListQuerySchema>;

/** `/follow-ups/:id` routes. */
export const followUpParamsSchema = z.object({ id: idField });
export const commentParamsSchema = z.object({ id: idField, commentId: idField });

/** A new follow-up as typed on its finding's page. */
export const followUpFormSchema = z.object({
  measure: formText,
  fineAmount: formText,
  responsibleKind: formText,
  responsibleAgency: formText,
  responsibleUserId: formText,
  dueDate: formText,
  description: formText,
  submissionKey: formText,
});
export type FollowUpFormValues = z.infer<typeof followUpFormSchema>;

/** A new follow-up, typed. Who is responsible and the due date against the finding are checked by the service. */
export interface FollowUpInput {
  measure: string;
  /** For a fine, in whole VND. */
  fineAmount: number | null;
  responsibleKind: FollowUpRow['responsibleKind'] | null;
  responsibleAgency: string | null;
  /** null when what was sent is not an id (the service answers that a person must be chosen). */
  responsibleUserId: number | null;
  dueDate: string | null;
  description: string;
  submissionKey: string;
  /** The fields that did not read, with their messages; the service adds its own beside them. */
  unreadable: FieldErrors;
}

export function followUpInput(values: FollowUpFormValues): FollowUpInput {
  const unreadable: FieldErrors = {};
  if (!vocabularyCodes('follow_up_actions').includes(values.measure)) addFieldError(unreadable, 'measure', 'errors.followUp.measure');
  let fineAmount: number | null = null;
  if (values.measure === 'fine') {
    const amount = parseWholeNumber(values.fineAmount);
    if (amount === null || amount <= 0 || amount > 1_000_000_000_000) addFieldError(unreadable, 'fineAmount', 'errors.followUp.fine');
    else fineAmount = amount;
  } else if (values.fineAmount.trim()) addFieldError(unreadable, 'fineAmount', 'errors.followUp.fineNotFine');
  const kind = responsibleKinds.find((candidate) => candidate === values.responsibleKind) ?? null;
  if (!kind) addFieldError(unreadable, 'responsibleKind', 'errors.followUp.responsible');
  if (kind === 'agency' && !vocabularyCodes('agencies').includes(values.responsibleAgency)) addFieldError(unreadable, 'responsibleAgency', 'errors.referral.agency');
  const dueDate = parseDateInput(values.dueDate);
  if (!values.dueDate.trim()) addFieldError(unreadable, 'dueDate', 'errors.date.required');
  else if (!dueDate) addFieldError(unreadable, 'dueDate', 'errors.date.invalid');
  const description = values.description.trim();
  if (description.length > 1000) addFieldError(unreadable, 'description', 'errors.tooLong', { max: 1000 });
  return {
    measure: values.measure,
    fineAmount,
    responsibleKind: kind,
    responsibleAgency: kind === 'agency' ? values.responsibleAgency : null,
    responsibleUserId: /^\d{1,9}$/.test(values.responsibleUserId) ? Number(values.responsibleUserId) : null,
    dueDate,
    description,
    submissionKey: values.submissionKey,
    unreadable,
  };
}

/** A hand-made status change as sent; an unknown status is refused by the service, as a move it cannot make. */
export const statusFormSchema = z
  .object({ to: formText, confirm: formText })
  .transform(({ to, confirm }): { to: FollowUpStatus | null; confirmed: boolean } => ({ to: followUpStatuses.find((status) => status === to) ?? null, confirmed: confirm === 'yes' }));

/** Verifying a follow-up: a later report as evidence, or a head's note. */
export const verificationFormSchema = z.object({ checkId: formText, note: formText });
export type VerificationFormValues = z.infer<typeof verificationFormSchema>;

export const verificationSchema = z.object({ checkId: z.string(), note: z.string() }).transform((form) => ({
  checkId: /^\d{1,9}$/.test(form.checkId) ? Number(form.checkId) : null,
  note: cleanText(form.note),
}));
export type VerificationInput = z.infer<typeof verificationSchema>;
