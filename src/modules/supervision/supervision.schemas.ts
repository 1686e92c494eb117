import { z } from 'zod';
import { recommendationStatuses, supervisionAnswers, supervisionStatuses, type SupervisionAnswer } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { addFieldError, formList, formText, readWholeNumber, type FieldErrors } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';

/** Starting a record: which of the round's areas, and the day of the supervision (as typed). */
export const startFormSchema = z.object({ areaId: formText, visitDate: formText });
export type StartFormValues = z.infer<typeof startFormSchema>;

export const startQuerySchema = z.object({ area: formText.transform((value) => (/^\d{1,9}$/.test(value) ? value : '')) });

/** The record form as typed; re-rendered whole on any error so nothing is lost. */
export interface RecordFormValues {
  visitDate: string;
  place: string;
  authorityPresent: string;
  teamPresent: string[];
  answers: Record<string, { answer: string; note: string; figure: string }>;
  strengths: string;
  difficulties: string;
  version: string;
}

/** The record form of one record: its checklist fields are named after the record's items (`answer_P1`, `note_P1`, `figure_O2`). */
export function recordFormSchema(itemCodes: string[]) {
  const fields: Record<string, typeof formText> = {};
  for (const code of itemCodes) Object.assign(fields, { [`answer_${code}`]: formText, [`note_${code}`]: formText, [`figure_${code}`]: formText });
  return z
    .object({
      visitDate: formText,
      place: formText,
      authorityPresent: formText,
      teamPresent: formList,
      strengths: formText,
      difficulties: formText,
      version: formText,
      intent: formText,
      ...fields,
    })
    .transform((form): { values: RecordFormValues; intent: 'save' | 'submit' } => {
      const text = (name: string) => (form as Record<string, unknown>)[name] as string;
      return {
        intent: form.intent === 'submit' ? 'submit' : 'save',
        values: {
          visitDate: form.visitDate,
          place: form.place,
          authorityPresent: form.authorityPresent,
          teamPresent: form.teamPresent.slice(0, 60),
          strengths: form.strengths,
          difficulties: form.difficulties,
          version: form.version,
          answers: Object.fromEntries(itemCodes.map((code) => [code, { answer: text(`answer_${code}`), note: text(`note_${code}`), figure: text(`figure_${code}`) }])),
        },
      };
    });
}

/** A record's form, typed; `errors` holds the messages of the fields that did not read (nothing is saved then). */
export interface RecordInput {
  intent: 'save' | 'submit';
  version: number;
  visitDate: string | null;
  place: string;
  authorityPresent: string;
  teamPresent: string[];
  answers: Record<string, { answer: SupervisionAnswer | null; note: string; figure: number | null }>;
  strengths: string;
  difficulties: string;
  errors: FieldErrors;
}

function limited(errors: FieldErrors, field: string, value: string, max: number, clean = true): string {
  const text = clean ? cleanText(value) : value.trim();
  if (text.length > max) addFieldError(errors, field, 'errors.tooLong', { max });
  return text.slice(0, max);
}

export function isSupervisionAnswer(value: string): value is SupervisionAnswer {
  return (supervisionAnswers as readonly string[]).includes(value);
}

export function recordInput(values: RecordFormValues, intent: 'save' | 'submit'): RecordInput {
  const errors: FieldErrors = {};
  let visitDate: string | null = null;
  if (!values.visitDate.trim()) addFieldError(errors, 'visitDate', 'errors.date.required');
  else if (!(visitDate = parseDateInput(values.visitDate))) addFieldError(errors, 'visitDate', 'errors.date.invalid');
  const answers: RecordInput['answers'] = {};
  for (const [code, typed] of Object.entries(values.answers)) {
    let figure: number | null = null;
    if (typed.figure.trim() !== '') {
      const read = readWholeNumber(typed.figure);
      if (read.ok) figure = read.value;
      else addFieldError(errors, `item_${code}`, read.key);
    }
    answers[code] = { answer: isSupervisionAnswer(typed.answer) ? typed.answer : null, note: limited(errors, `item_${code}`, typed.note, 1000), figure };
  }
  return {
    intent,
    version: Number(values.version),
    visitDate,
    place: limited(errors, 'place', values.place, 300),
    authorityPresent: limited(errors, 'authorityPresent', values.authorityPresent, 2000, false),
    teamPresent: values.teamPresent,
    answers,
    strengths: limited(errors, 'strengths', values.strengths, 5000, false),
    difficulties: limited(errors, 'difficulties', values.difficulties, 5000, false),
    errors,
  };
}

/** A recommendation as typed on the record page. */
export const recommendationFormSchema = z.object({ body: formText, addressee: formText, addresseeAreaId: formText, dueDate: formText });
export type RecommendationFormValues = z.infer<typeof recommendationFormSchema>;

export const reviewSchema = z.object({
  decision: z.enum(['approve', 'return']),
  comment: z.string().trim().max(2000, 'errors.review.tooLong').default(''),
  version: z.coerce.number().int().positive().optional(),
});

export const recommendationParamsSchema = z.object({
  id: z.coerce.number().int().positive().max(2 ** 31),
  recommendationId: z.coerce.number().int().positive().max(2 ** 31),
});

/** A recommendation's move as asked; "confirm" is "yes" once a move to done was confirmed. */
export const statusFormSchema = z.object({ to: formText, confirm: formText, version: formText });
export const verificationFormSchema = z.object({ note: formText, version: formText });
export const commentFormSchema = z.object({ body: formText });

export const recommendationListQuerySchema = z.object({
  status: z.enum(recommendationStatuses).optional().catch(undefined),
  overdue: z.enum(['1']).optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type RecommendationListQuery = z.infer<typeof recommendationListQuerySchema>;

/** Filters of a list of records: round, area (and the areas it covers), status. */
export const recordListQuerySchema = z.object({
  round: z.coerce.number().int().positive().optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  status: z.enum(supervisionStatuses).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type RecordListQuery = z.infer<typeof recordListQuerySchema>;

