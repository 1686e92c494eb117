import { z } from 'zod';
import { modelStates } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formText, readWholeNumber } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

export const NAME_MAX = 200;
export const NOTES_MAX = 2000;
export const MAX_MEMBERS = 100_000;

type Issue = (field: string, message: MessageKey, params?: MessageParams) => void;

function issuer(ctx: z.RefinementCtx): { issue: Issue; refused: () => boolean } {
  let refused = false;
  return {
    issue: (field, message, params) => {
      refused = true;
      ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
    },
    refused: () => refused,
  };
}

/** A required date typed as dd/mm/yyyy. */
function readDate(value: string, field: string, issue: Issue): string | null {
  if (!value.trim()) {
    issue(field, 'errors.date.required');
    return null;
  }
  const date = parseDateInput(value);
  if (!date) issue(field, 'errors.date.invalid');
  return date;
}

/** A member count: a whole number from 0 to MAX_MEMBERS; '' is none when not required. */
function readMembers(value: string, field: string, issue: Issue, required: boolean): number | null {
  if (!value.trim()) {
    if (required) issue(field, 'errors.models.membersRequired');
    return null;
  }
  const read = readWholeNumber(value);
  if (!read.ok) {
    issue(field, read.key);
    return null;
  }
  if (read.value > MAX_MEMBERS) {
    issue(field, 'errors.models.membersTooMany', { max: MAX_MEMBERS });
    return null;
  }
  return read.value;
}

/** The model form exactly as typed, re-rendered on an error so nothing is lost. */
export const modelFormSchema = z.object({
  name: formText,
  kind: formText,
  areaId: formText,
  hostAgency: formText,
  startDate: formText,
  replicatedFromId: formText,
  members: formText,
  notes: formText,
  version: formText,
  submissionKey: formText,
});
export type ModelFormValues = z.infer<typeof modelFormSchema>;

/** A model's own fields; the area (scope, the reform) and the origin model are the service's to check. */
export const modelInputSchema = modelFormSchema.transform((values, ctx) => {
  const { issue, refused } = issuer(ctx);
  const name = cleanText(values.name);
  if (!name) issue('name', 'errors.models.nameRequired');
  else if (name.length > NAME_MAX) issue('name', 'errors.tooLong', { max: NAME_MAX });
  if (!vocabularyCodes('prevention_model_kinds').includes(values.kind)) issue('kind', 'errors.models.kind');
  if (!/^\d{1,9}$/.test(values.areaId)) issue('areaId', 'errors.venue.area');
  if (!vocabularyCodes('agencies').includes(values.hostAgency)) issue('hostAgency', 'errors.models.hostAgency');
  const startDate = readDate(values.startDate, 'startDate', issue);
  if (values.replicatedFromId && !/^\d{1,9}$/.test(values.replicatedFromId)) issue('replicatedFromId', 'errors.models.origin');
  const members = readMembers(values.members, 'members', issue, false);
  const notes = values.notes.trim();
  if (notes.length > NOTES_MAX) issue('notes', 'errors.tooLong', { max: NOTES_MAX });
  if (refused() || !startDate) return z.NEVER;
  return {
    name,
    kind: values.kind,
    areaId: Number(values.areaId),
    hostAgency: values.hostAgency,
    startDate,
    replicatedFromId: values.replicatedFromId ? Number(values.replicatedFromId) : null,
    members,
    notes,
  };
});
export type ModelInput = z.infer<typeof modelInputSchema>;

/** Merging or dissolving a model: the new state, its date, the model it went into (merging), a note. */
export const modelStateFormSchema = z.object({ to: formText, onDate: formText, mergedIntoId: formText, note: formText, version: formText });
export type ModelStateFormValues = z.infer<typeof modelStateFormSchema>;

export const modelStateInputSchema = modelStateFormSchema.transform((values, ctx) => {
  const { issue, refused } = issuer(ctx);
  if (values.to !== 'merged' && values.to !== 'dissolved') issue('to', 'errors.models.state');
  const onDate = readDate(values.onDate, 'onDate', issue);
  if (values.to === 'merged' && !/^\d{1,9}$/.test(values.mergedIntoId)) issue('mergedIntoId', 'errors.models.mergeTarget');
  const note = cleanText(values.note);
  if (note.length > 500) issue('note', 'errors.tooLong', { max: 500 });
  if (refused() || !onDate) return z.NEVER;
  return { to: values.to as 'merged' | 'dissolved', onDate, mergedIntoId: values.to === 'merged' ? Number(values.mergedIntoId) : null, note };
});
export type ModelStateInput = z.infer<typeof modelStateInputSchema>;

/** A member count as of a date. */
export const membersFormSchema = z.object({ asOf: formText, members: formText, version: formText });
export type MembersFormValues = z.infer<typeof membersFormSchema>;

export const membersInputSchema = membersFormSchema.transform((values, ctx) => {
  const { issue, refused } = issuer(ctx);
  const asOf = readDate(values.asOf, 'asOf', issue);
  const members = readMembers(values.members, 'members', issue, true);
  if (refused() || !asOf || members === null) return z.NEVER;
  return { asOf, members };
});
export type MembersInput = z.infer<typeof membersInputSchema>;

/** Filters of the list; a value that makes no sense is dropped, so old links still open. */
export const modelListQuerySchema = z.object({
  area: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.string().max(40).optional().catch(undefined),
  state: z.enum(modelStates).optional().catch(undefined),
  /** 1: active models with no activity in the last 6 months. */
  idle: z.enum(['1']).optional().catch(undefined),
  /** A period (from the summary): models active in it; `started=1` those started in it, `replicated=1` copied ones. */
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  started: z.enum(['1']).optional().catch(undefined),
  replicated: z.enum(['1']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type ModelListQuery = z.infer<typeof modelListQuerySchema>;

/** /models/new?from=: a model copied from another (replication). */
export const newModelQuerySchema = z.object({ from: z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined) });
