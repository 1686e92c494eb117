import { z } from 'zod';
import { checkAnswers, checkStatuses, type CheckAnswer } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { addFieldError, formFlag, formList, formText, readWholeNumber, type FieldErrors } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';
import { submissionKeyPattern } from '../form-keys/index.js';

/** The start page's address: a venue search, and what was typed before searching (kept in the form). */
export const newReportQuerySchema = z.object({
  q: formText.transform((q) => q.slice(0, 200)),
  venue: formText.transform((venue) => (/^\d{1,9}$/.test(venue) ? venue : '')),
  visitDate: formText,
  visitTime: formText,
  reinspection: formText.transform((value) => (value === '1' ? '1' : '')),
});

/** A report page's address: items just marked compliant without JavaScript ("A1.A3"), so their section can undo it. */
export const reportQuerySchema = z.object({
  marked: formText.transform((codes) => codes.slice(0, 2000).split('.').filter((code) => /^[A-Za-z0-9_-]{1,20}$/.test(code))),
  /** An attachment whose removal is asked about (its remove button pressed without JavaScript). */
  remove: formText.transform((id) => (/^\d{1,9}$/.test(id) ? Number(id) : null)),
});

/** Starting a report as typed: which venue, and when it was visited. */
export const startFormSchema = z.object({
  venueId: formText,
  visitDate: formText,
  visitTime: formText,
  submissionKey: formText,
  /** A phone's outbox may name the start's one-time key so; the form's `submissionKey` comes first. */
  requestKey: formText,
  /** "1" for a re-inspection: the venue's open findings are listed for the inspector to confirm fixed or not. */
  reinspection: formText,
});
export type StartReportValues = z.infer<typeof startFormSchema>;

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
  /** The "I confirm" box beside the submit button, as ticked ('1') or not (''). */
  confirmSubmit: string;
}

/**
 * What a press of the report form asks for besides its values: save, submit, save and attach the chosen file,
 * mark a section's unanswered items compliant (its category code), undo that (the item codes it marked), or remove
 * an attachment (asked first: the question's button sends `removeAttachmentConfirmed`).
 */
export type ReportAction =
  | { kind: 'save' | 'submit' | 'attach' }
  | { kind: 'markRemaining'; category: string }
  | { kind: 'unmark'; codes: string[] }
  | { kind: 'removeAttachment'; attachmentId: number; confirmed: boolean };

/**
 * The report form of one report as typed, and whether it is submitted: its checklist fields are named after the
 * report's items (`answer_A1`, `note_A1`) and re-inspected findings (`fixed_12`, `fixedNote_12`).
 */
export function reportFormSchema(itemCodes: string[], findingIds: number[] = []) {
  const fields: Record<string, typeof formText> = {};
  for (const code of itemCodes) Object.assign(fields, { [`answer_${code}`]: formText, [`note_${code}`]: formText, [`choice_item_${code}`]: formText });
  for (const field of conflictChoiceFields) Object.assign(fields, { [`choice_${field}`]: formText });
  for (const id of findingIds) Object.assign(fields, { [`fixed_${id}`]: formText, [`fixedNote_${id}`]: formText });
  return z
    .object({
      visitDate: formText,
      visitTime: formText,
      teamPresent: formList,
      representativeName: formText,
      representativePosition: formText,
      ownersPresent: formText,
      staffPresent: formText,
      staffCounselled: formText,
      materialsGiven: formText,
      venueComments: formText,
      conclusion: formText,
      version: formText,
      intent: formText,
      markRemaining: formText,
      unmark: formText,
      removeAttachment: formText,
      removeAttachmentConfirmed: formText,
      confirmAsked: formFlag,
      confirmSubmit: formFlag,
      resolvedConflict: formFlag,
      ...fields,
    })
    .transform((form): { values: ReportFormValues; intent: ReportIntent; action: ReportAction; confirmed: boolean; resolution: ConflictResolution } => {
      const text = (name: string) => (form as Record<string, unknown>)[name] as string;
      const removal = /^\d{1,9}$/.exec(form.removeAttachmentConfirmed || form.removeAttachment)?.[0];
      const action: ReportAction = removal
        ? { kind: 'removeAttachment', attachmentId: Number(removal), confirmed: Boolean(form.removeAttachmentConfirmed) }
        : form.markRemaining
        ? { kind: 'markRemaining', category: form.markRemaining }
        : form.unmark
          ? { kind: 'unmark', codes: form.unmark.split(/[\s.,]+/).filter((code) => itemCodes.includes(code)) }
          : { kind: form.intent === 'submit' ? 'submit' : form.intent === 'attach' ? 'attach' : 'save' };
      const takesServer = (name: string) => text(`choice_${name}`) === 'server';
      return {
        action,
        resolution: {
          resolved: form.resolvedConflict,
          takeServer: form.resolvedConflict ? [...conflictChoiceFields.filter(takesServer), ...itemCodes.filter((code) => takesServer(`item_${code}`)).map((code) => `item ${code}`)] : [],
        },
        // The form asks for the box to be ticked before submitting; a client that does not show it (the API,
        // a script) is not asked: the box guards a person against a slip of the thumb, not the server.
        confirmed: !form.confirmAsked || form.confirmSubmit,
        intent: form.intent === 'submit' ? 'submit' : 'save',
        values: {
          visitDate: form.visitDate,
          visitTime: form.visitTime,
          teamPresent: form.teamPresent.slice(0, 60),
          representativeName: form.representativeName,
          representativePosition: form.representativePosition,
          ownersPresent: form.ownersPresent,
          staffPresent: form.staffPresent,
          staffCounselled: form.staffCounselled,
          materialsGiven: form.materialsGiven,
          venueComments: form.venueComments,
          conclusion: form.conclusion,
          answers: Object.fromEntries(itemCodes.map((code) => [code, { answer: text(`answer_${code}`), note: text(`note_${code}`) }])),
          confirmations: Object.fromEntries(findingIds.map((id) => [id, { fixed: text(`fixed_${id}`), note: text(`fixedNote_${id}`) }])),
          version: form.version,
          confirmSubmit: form.confirmSubmit ? '1' : '',
        },
      };
    });
}

export type ReportIntent = 'save' | 'submit';

/** The fields of the report the conflict page offers a choice for (besides each item: `choice_item_A1`). */
const conflictChoiceFields = ['visitDate', 'visitTime', 'representativeName', 'representativePosition', 'ownersPresent', 'staffPresent', 'staffCounselled', 'materialsGiven', 'venueComments', 'conclusion', 'teamPresent'];

/**
 * A save from the conflict page (`resolvedConflict=1`): the fields whose saved value the person took instead of
 * theirs ('visitDate', 'teamPresent', 'item A1', …), each chosen with a `choice_<field>` = "server".
 */
export interface ConflictResolution {
  resolved: boolean;
  takeServer: string[];
}

/*
 * Typed input. A report's fields are read one by one, not all or nothing: a draft is saved with the fields that
 * read, each field that does not keeping what was stored, with its message (`unreadable`). What needs the
 * database (the round's dates, its team, the venue, the report's items) is checked by the service.
 */

const visitDateField = z.string().transform((value, context) => {
  if (!value.trim()) {
    context.addIssue({ code: 'custom', message: 'errors.date.required' });
    return z.NEVER;
  }
  const date = parseDateInput(value);
  if (!date) {
    context.addIssue({ code: 'custom', message: 'errors.date.invalid' });
    return z.NEVER;
  }
  return date;
});

/** A time of day as typed ("20:30", "20h30", "8.05", or "2030" on a phone's number pad), as HH:mm; '' when not given. */
const visitTimeField = z.string().transform((value, context) => {
  const text = value.trim();
  const match = /^([01]?\d|2[0-3])[:h.]?([0-5]\d)$/.exec(text);
  if (text !== '' && !match) {
    context.addIssue({ code: 'custom', message: 'errors.check.time' });
    return z.NEVER;
  }
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : '';
});

/** A count typed in a report ("1.000" and "1,000" are a thousand): '' is "not given", anything else must be 0 … 100 000. */
const wholeNumberField = z.string().transform((value, context) => {
  if (value.trim() === '') return null;
  const read = readWholeNumber(value);
  if (!read.ok || read.value > 100_000) {
    context.addIssue({ code: 'custom', message: read.ok ? 'errors.wholeNumber' : read.key });
    return z.NEVER;
  }
  return read.value;
});

/** A text of at most `max` characters as typed, cleaned (`cleanText`) or only trimmed. */
function textField(max: number, clean: 'clean' | 'trim') {
  return z.string().transform((value, context) => {
    if (value.length > max) {
      context.addIssue({ code: 'custom', message: 'errors.tooLong', params: { max } });
      return z.NEVER;
    }
    return clean === 'clean' ? cleanText(value) : value.trim();
  });
}

const itemNoteField = z.string().transform((value, context) => {
  const note = cleanText(value);
  if (note.length > 1000) {
    context.addIssue({ code: 'custom', message: 'errors.tooLong', params: { max: 1000 } });
    return z.NEVER;
  }
  return note;
});

/** Reads one field with its schema; a field that does not read gets its messages and the fallback. */
function readField<T>(unreadable: FieldErrors, field: string, schema: z.ZodType<T, string>, value: string, fallback: T): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const params = 'params' in issue ? (issue.params as MessageParams | undefined) : undefined;
    addFieldError(unreadable, field, issue.message as MessageKey, params);
  }
  return fallback;
}

/** Starting a report, typed. */
export interface StartReportInput {
  /** null when what was sent is not an id (the service answers that a venue must be chosen). */
  venueId: number | null;
  /** YYYY-MM-DD; null when it did not read (see `unreadable`). */
  visitDate: string | null;
  visitTime: string;
  /** The form's one-time key, when it is one. */
  submissionKey: string | null;
  reinspection: boolean;
  /** The fields that did not read, with their messages. */
  unreadable: FieldErrors;
}

export function startReportInput(values: StartReportValues): StartReportInput {
  const unreadable: FieldErrors = {};
  return {
    venueId: /^\d{1,9}$/.test(values.venueId) ? Number(values.venueId) : null,
    visitDate: readField(unreadable, 'visitDate', visitDateField, values.visitDate, null),
    visitTime: readField(unreadable, 'visitTime', visitTimeField, values.visitTime, ''),
    submissionKey: [values.submissionKey, values.requestKey].find((key) => submissionKeyPattern.test(key)) ?? null,
    reinspection: values.reinspection === '1',
    unreadable,
  };
}

/** A report's form, typed: texts cleaned, counts as numbers, answers and confirmations as values. */
export interface ReportInput {
  intent: ReportIntent;
  /** Saved from the conflict page: the history says the conflict was resolved. */
  resolvedConflict: boolean;
  /** Whether the person ticked the confirmation the form asks for before submitting (true when not asked). */
  confirmed: boolean;
  /** The version of the report the form was loaded at (NaN when it is not a number: then it is stale). */
  version: number;
  visitDate: string | null;
  visitTime: string;
  teamPresent: string[];
  representativeName: string;
  representativePosition: string;
  ownersPresent: number | null;
  staffPresent: number | null;
  staffCounselled: number | null;
  materialsGiven: string;
  venueComments: string;
  conclusion: string;
  answers: Record<string, { answer: CheckAnswer | null; note: string }>;
  /** Per re-inspected finding id: confirmed fixed (true), not fixed (false) or not said (null). */
  confirmations: Record<string, { fixed: boolean | null; note: string }>;
  /** The fields that did not read, with their messages: a draft keeps what was stored for them. */
  unreadable: FieldErrors;
}

export function reportInput(values: ReportFormValues, intent: ReportIntent, confirmed = true, resolvedConflict = false): ReportInput {
  const unreadable: FieldErrors = {};
  const text = (field: 'representativeName' | 'representativePosition' | 'materialsGiven' | 'venueComments' | 'conclusion', max: number, clean: 'clean' | 'trim') =>
    readField(unreadable, field, textField(max, clean), values[field], '');
  return {
    intent,
    resolvedConflict,
    confirmed,
    version: Number(values.version),
    visitDate: readField(unreadable, 'visitDate', visitDateField, values.visitDate, null),
    visitTime: readField(unreadable, 'visitTime', visitTimeField, values.visitTime, ''),
    ownersPresent: readField(unreadable, 'ownersPresent', wholeNumberField, values.ownersPresent, null),
    staffPresent: readField(unreadable, 'staffPresent', wholeNumberField, values.staffPresent, null),
    staffCounselled: readField(unreadable, 'staffCounselled', wholeNumberField, values.staffCounselled, null),
    representativeName: text('representativeName', 120, 'clean'),
    representativePosition: text('representativePosition', 120, 'clean'),
    materialsGiven: text('materialsGiven', 2000, 'clean'),
    venueComments: text('venueComments', 5000, 'trim'),
    conclusion: text('conclusion', 5000, 'trim'),
    teamPresent: values.teamPresent,
    answers: Object.fromEntries(
      Object.entries(values.answers).map(([code, typed]) => [
        code,
        { answer: isAnswer(typed.answer) ? typed.answer : null, note: readField(unreadable, `item_${code}`, itemNoteField, typed.note, cleanText(typed.note)) },
      ]),
    ),
    confirmations: Object.fromEntries(
      Object.entries(values.confirmations).map(([id, typed]) => [id, { fixed: typed.fixed === 'yes' ? true : typed.fixed === 'no' ? false : null, note: cleanText(typed.note).slice(0, 1000) }]),
    ),
    unreadable,
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
  /** `commune`: the area as the summary by commune counts it, record by record on its date (a link from a summary row). */
  level: z.enum(['commune']).optional().catch(undefined),
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

export const attachmentParamsSchema = z.object({
  id: z.coerce.number().int().positive().max(2 ** 31),
  attachmentId: z.coerce.number().int().positive().max(2 ** 31),
});
