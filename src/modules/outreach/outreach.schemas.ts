import { z } from 'zod';
import { parseDateInput } from '../../lib/dates.js';
import { formList, formText } from '../../lib/forms.js';
import { parseWholeNumber } from '../../lib/money.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

/** The activity form as typed, re-rendered on an error so nothing is lost. */
export const activityFormSchema = z.object({
  campaignId: formText,
  activityDate: formText,
  areaId: formText,
  village: formText,
  format: formText,
  channel: formText,
  targetGroups: formList.transform((groups) => groups.slice(0, 30)),
  organisingAgency: formText,
  participantsTotal: formText,
  participantsWomen: formText,
  leaflets: formText,
  posters: formText,
  broadcastMinutes: formText,
  notes: formText,
  version: formText,
  submissionKey: formText,
  /** The prevention model that held it and who carried it out (the roster). */
  modelId: formText,
  speakerIds: formList.transform((ids) => ids.slice(0, 50)),
});
export type ActivityFormValues = z.infer<typeof activityFormSchema>;

/** The rules of an activity's own fields; the campaign and the area (scope, date of the reform) are the service's. */
export const activityInputSchema = activityFormSchema.transform((values, ctx) => {
  let refused = false;
  const issue = (field: string, message: MessageKey, params?: MessageParams) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  };
  /** A whole number ≥ 0 typed in a form ('1.200' as Vietnamese write thousands); '' is 0 unless required. */
  const count = (field: keyof ActivityFormValues, required = false): number => {
    const value = values[field] as string;
    if (value.trim() === '') {
      if (required) issue(field, 'errors.outreach.numberRequired');
      return 0;
    }
    const number = parseWholeNumber(value);
    if (number === null || number > 10_000_000) {
      issue(field, 'errors.wholeNumber');
      return 0;
    }
    return number;
  };
  const activityDate = parseDateInput(values.activityDate);
  if (!values.activityDate.trim()) issue('activityDate', 'errors.date.required');
  else if (!activityDate) issue('activityDate', 'errors.date.invalid');
  if (values.campaignId && !/^\d{1,9}$/.test(values.campaignId)) issue('campaignId', 'errors.outreach.campaign');
  if (!/^\d{1,9}$/.test(values.areaId)) issue('areaId', 'errors.venue.area');
  const village = cleanText(values.village);
  if (village.length > 120) issue('village', 'errors.tooLong', { max: 120 });
  if (!vocabularyCodes('outreach_formats').includes(values.format)) issue('format', 'errors.outreach.format');
  if (!vocabularyCodes('outreach_channels').includes(values.channel)) issue('channel', 'errors.outreach.channel');
  const targetGroups = [...new Set(values.targetGroups)];
  if (targetGroups.length === 0) issue('targetGroups', 'errors.outreach.groupsRequired');
  else if (targetGroups.some((group) => !vocabularyCodes('target_groups').includes(group))) issue('targetGroups', 'errors.outreach.groups');
  if (!vocabularyCodes('agencies').includes(values.organisingAgency)) issue('organisingAgency', 'errors.referral.agency');
  const participantsTotal = count('participantsTotal', true);
  const participantsWomen = count('participantsWomen', true);
  if (participantsWomen > participantsTotal) issue('participantsWomen', 'errors.outreach.womenOverTotal', { total: participantsTotal });
  const leaflets = count('leaflets');
  const posters = count('posters');
  const broadcastMinutes = count('broadcastMinutes');
  const notes = values.notes.trim();
  if (notes.length > 2000) issue('notes', 'errors.tooLong', { max: 2000 });
  if (values.modelId && !/^\d{1,9}$/.test(values.modelId)) issue('modelId', 'errors.outreach.model');
  const speakerIds = [...new Set(values.speakerIds.filter((id) => id !== ''))];
  if (speakerIds.some((id) => !/^\d{1,9}$/.test(id))) issue('speakerIds', 'errors.outreach.speakers');
  if (refused || !activityDate) return z.NEVER;
  return {
    campaignId: values.campaignId ? Number(values.campaignId) : null,
    activityDate,
    areaId: Number(values.areaId),
    village,
    format: values.format,
    channel: values.channel,
    organisingAgency: values.organisingAgency,
    participantsTotal,
    participantsWomen,
    leaflets,
    posters,
    broadcastMinutes,
    notes,
    targetGroups,
    modelId: values.modelId ? Number(values.modelId) : null,
    speakerIds: speakerIds.map(Number),
  };
});
export type ActivityInput = z.infer<typeof activityInputSchema>;

/** Filters of the activities list; a value that makes no sense is dropped, so old links still open. */
export const outreachListQuerySchema = z.object({
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  format: z.string().max(40).optional().catch(undefined),
  channel: z.string().max(40).optional().catch(undefined),
  group: z.string().max(40).optional().catch(undefined),
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type OutreachListQuery = z.infer<typeof outreachListQuerySchema>;

/** /outreach/new?campaign=: the campaign a new activity starts in. */
export const newActivityQuerySchema = z.object({
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
});
export type NewActivityQuery = z.infer<typeof newActivityQuerySchema>;
