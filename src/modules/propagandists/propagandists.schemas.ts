import { z } from 'zod';
import { propagandistRoles } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

export const NAME_MAX = 120;
export const ORGANISATION_MAX = 200;
export const COURSE_MAX = 200;

/** The roster form exactly as typed, re-rendered on an error so nothing is lost. */
export const propagandistFormSchema = z.object({
  name: formText,
  organisation: formText,
  areaId: formText,
  role: formText,
  trainedOn: formText,
  course: formText,
  leftOn: formText,
  version: formText,
  submissionKey: formText,
});
export type PropagandistFormValues = z.infer<typeof propagandistFormSchema>;

function optionalDate(value: string, field: string, issue: (field: string, message: MessageKey) => void): string | null {
  if (!value.trim()) return null;
  const date = parseDateInput(value);
  if (!date) issue(field, 'errors.date.invalid');
  return date;
}

/** A person's fields; the area (scope) and dates against today are the service's to check. */
export const propagandistInputSchema = propagandistFormSchema.transform((values, ctx) => {
  let refused = false;
  const issue = (field: string, message: MessageKey, params?: MessageParams) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  };
  const name = cleanText(values.name);
  if (!name) issue('name', 'errors.propagandists.nameRequired');
  else if (name.length > NAME_MAX) issue('name', 'errors.tooLong', { max: NAME_MAX });
  const organisation = cleanText(values.organisation);
  if (!organisation) issue('organisation', 'errors.propagandists.organisationRequired');
  else if (organisation.length > ORGANISATION_MAX) issue('organisation', 'errors.tooLong', { max: ORGANISATION_MAX });
  if (!/^\d{1,9}$/.test(values.areaId)) issue('areaId', 'errors.venue.area');
  if (!(propagandistRoles as readonly string[]).includes(values.role)) issue('role', 'errors.propagandists.role');
  const trainedOn = optionalDate(values.trainedOn, 'trainedOn', issue);
  const course = cleanText(values.course);
  if (course.length > COURSE_MAX) issue('course', 'errors.tooLong', { max: COURSE_MAX });
  const leftOn = optionalDate(values.leftOn, 'leftOn', issue);
  if (trainedOn && leftOn && leftOn < trainedOn) issue('leftOn', 'errors.propagandists.leftBeforeTrained');
  if (refused) return z.NEVER;
  return { name, organisation, areaId: Number(values.areaId), role: values.role as (typeof propagandistRoles)[number], trainedOn, course, leftOn };
});
export type PropagandistInput = z.infer<typeof propagandistInputSchema>;

/** A training date added on the person's page. */
export const trainingFormSchema = z.object({ trainedOn: formText, course: formText, version: formText });
export type TrainingFormValues = z.infer<typeof trainingFormSchema>;

export const trainingInputSchema = trainingFormSchema.transform((values, ctx) => {
  let refused = false;
  const issue = (field: string, message: MessageKey, params?: MessageParams) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  };
  const trainedOn = values.trainedOn.trim() ? parseDateInput(values.trainedOn) : null;
  if (!values.trainedOn.trim()) issue('trainedOn', 'errors.date.required');
  else if (!trainedOn) issue('trainedOn', 'errors.date.invalid');
  const course = cleanText(values.course);
  if (course.length > COURSE_MAX) issue('course', 'errors.tooLong', { max: COURSE_MAX });
  if (refused || !trainedOn) return z.NEVER;
  return { trainedOn, course };
});
export type TrainingInput = z.infer<typeof trainingInputSchema>;

export const propagandistListQuerySchema = z.object({
  area: z.coerce.number().int().positive().optional().catch(undefined),
  role: z.enum(propagandistRoles).optional().catch(undefined),
  /** 1: only those still active. */
  active: z.enum(['1']).optional().catch(undefined),
  /** A period (from the summary): with `trained=1`, those trained by its end and active in it. */
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  trained: z.enum(['1']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type PropagandistListQuery = z.infer<typeof propagandistListQuerySchema>;
