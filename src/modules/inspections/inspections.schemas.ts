import { z } from 'zod';
import { checkAnswers, checkStatuses, type CheckAnswer } from '../../../db/schema/index.js';
import { asList, asText } from '../../lib/forms.js';

/** Starting a report: which venue, and when it was visited. */
export interface StartReportValues {
  /** "1" for a re-inspection: the venue's open findings are listed for the inspector to confirm fixed or not. */
  reinspection?: string;
  venueId: string;
  visitDate: string;
  visitTime: string;
  submissionKey: string;
}

export function readStartForm(body: unknown): StartReportValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return { venueId: asText(form.venueId), visitDate: asText(form.visitDate), visitTime: asText(form.visitTime), submissionKey: asText(form.submissionKey), reinspection: asText(form.reinspection) };
}

/** The report form as typed; re-rendered whole on any error so nothing is lost. */
export interface ReportFormValues {
  visitDate: string;
  visitTime: string;
  teamPresent: string[];
  representativeName: string;
  representativePosition: string;
  ownersPresent: string;
  staffPresent: string;
  staffCounselled: string;
  materialsGiven: string;
  venueComments: string;
  conclusion: string;
  answers: Record<string, { answer: string; note: string }>;
  /** A re-inspection's answers about the venue's open findings: fixed "yes" / "no", with a note. */
  confirmations: Record<string, { fixed: string; note: string }>;
  version: string;
}

export function readReportForm(body: unknown, itemCodes: string[], findingIds: number[] = []): ReportFormValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const answers: ReportFormValues['answers'] = {};
  for (const code of itemCodes) answers[code] = { answer: asText(form[`answer_${code}`]), note: asText(form[`note_${code}`]) };
  const confirmations: ReportFormValues['confirmations'] = {};
  for (const id of findingIds) confirmations[id] = { fixed: asText(form[`fixed_${id}`]), note: asText(form[`fixedNote_${id}`]) };
  return {
    visitDate: asText(form.visitDate),
    visitTime: asText(form.visitTime),
    teamPresent: asList(form.teamPresent).slice(0, 60),
    representativeName: asText(form.representativeName),
    representativePosition: asText(form.representativePosition),
    ownersPresent: asText(form.ownersPresent),
    staffPresent: asText(form.staffPresent),
    staffCounselled: asText(form.staffCounselled),
    materialsGiven: asText(form.materialsGiven),
    venueComments: asText(form.venueComments),
    conclusion: asText(form.conclusion),
    answers,
    confirmations,
    version: asText(form.version),
  };
}

export function isAnswer(value: string): value is CheckAnswer {
  return (checkAnswers as readonly string[]).includes(value);
}

export const reviewSchema = z.object({
  decision: z.enum(['approve', 'return']),
  comment: z.string().trim().max(2000, 'errors.review.tooLong').default(''),
  version: z.coerce.number().int().positive().optional(),
});

export const checkListQuerySchema = z.object({
  round: z.coerce.number().int().positive().optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  status: z.enum(checkStatuses).optional().catch(undefined),
  inspector: z.coerce.number().int().positive().optional().catch(undefined),
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  violations: z.enum(['yes', 'no']).optional().catch(undefined),
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  /** Leave out reports replaced by an amendment. */
  current: z.enum(['1']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type CheckListQuery = z.infer<typeof checkListQuerySchema>;

export const idParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) });
export const attachmentParamsSchema = z.object({
  id: z.coerce.number().int().positive().max(2 ** 31),
  attachmentId: z.coerce.number().int().positive().max(2 ** 31),
});
