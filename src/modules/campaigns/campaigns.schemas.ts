import { z } from 'zod';
import { campaignStatuses } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formList, formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

export const metrics = ['rounds', 'venues', 'sessions', 'participants'] as const;
export type Metric = (typeof metrics)[number];

/** The campaign form as typed, re-rendered on an error so nothing is lost. */
export const campaignFormSchema = z.object({
  title: formText,
  planNumber: formText,
  kind: formText,
  startDate: formText,
  endDate: formText,
  ownerId: formText,
  description: formText,
  version: formText,
  submissionKey: formText,
});
export type CampaignFormValues = z.infer<typeof campaignFormSchema>;

type Issue = (field: string, message: MessageKey, params?: MessageParams) => void;

/** Adds issues through `issue`, remembering whether any was added. */
function issueTracker(ctx: z.RefinementCtx): { issue: Issue; refused: () => boolean } {
  let refused = false;
  return {
    issue: (field, message, params) => {
      refused = true;
      ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
    },
    refused: () => refused,
  };
}

/** The rules of a campaign's own fields; whether the owner may be named is the service's (it needs the accounts). */
export const campaignInputSchema = campaignFormSchema.transform((values, ctx) => {
  const { issue, refused } = issueTracker(ctx);
  const title = cleanText(values.title);
  if (!title) issue('title', 'errors.campaign.titleRequired');
  else if (title.length > 200) issue('title', 'errors.campaign.titleTooLong');
  const planNumber = cleanText(values.planNumber);
  if (planNumber.length > 100) issue('planNumber', 'errors.decisionNumber.tooLong');
  if (!vocabularyCodes('campaign_kinds').includes(values.kind)) issue('kind', 'errors.campaign.kind');
  const startDate = parseDateInput(values.startDate);
  const endDate = parseDateInput(values.endDate);
  for (const [field, raw, parsed] of [['startDate', values.startDate, startDate], ['endDate', values.endDate, endDate]] as const) {
    if (!raw.trim()) issue(field, 'errors.date.required');
    else if (!parsed) issue(field, 'errors.date.invalid');
  }
  if (startDate && endDate && endDate < startDate) issue('endDate', 'errors.endBeforeStart');
  if (values.ownerId && !/^\d{1,9}$/.test(values.ownerId)) issue('ownerId', 'errors.campaign.ownerNotPickable');
  const description = values.description.trim();
  if (description.length > 5000) issue('description', 'errors.tooLong', { max: 5000 });
  if (refused() || !startDate || !endDate) return z.NEVER;
  return { title, planNumber, kind: values.kind, startDate, endDate, ownerId: values.ownerId ? Number(values.ownerId) : null, description };
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;

/** The targets form as typed: one entry per row in each list (rows beyond 500 are not read). */
export const targetsFormSchema = z
  .object({
    targetArea: formList,
    target_rounds: formList,
    target_venues: formList,
    target_sessions: formList,
    target_participants: formList,
  })
  .transform((form) =>
    form.targetArea.slice(0, 500).map((areaId, index) => ({
      areaId,
      rounds: form.target_rounds[index] ?? '',
      venues: form.target_venues[index] ?? '',
      sessions: form.target_sessions[index] ?? '',
      participants: form.target_participants[index] ?? '',
    })),
  );
/** One row of the targets form as typed (kept whole when the form comes back with errors). */
export type TargetFormRow = z.infer<typeof targetsFormSchema>[number];

/**
 * The numbers of the targets form, row by row: a row with no area and no number is left out; a number is a whole
 * number of up to seven digits; an area that is not a number is kept as null for the service to refuse. Errors are keyed by column and row. Which areas may be given is the service's.
 */
export const targetsInputSchema = z.array(z.object({ areaId: z.string(), rounds: z.string(), venues: z.string(), sessions: z.string(), participants: z.string() })).transform((rows, ctx) => {
  const { issue, refused } = issueTracker(ctx);
  const parsed: Array<{ row: number; areaId: number | null; values: Record<Metric, number> }> = [];
  rows.forEach((row, index) => {
    const filled = metrics.some((metric) => row[metric].trim() !== '');
    if (!row.areaId) {
      if (filled) issue(`targetArea_${index}`, 'errors.campaign.targetAreaMissing');
      return;
    }
    const values: Record<Metric, number> = { rounds: 0, venues: 0, sessions: 0, participants: 0 };
    for (const metric of metrics) {
      const text = row[metric].trim();
      if (text === '') continue;
      if (!/^\d{1,7}$/.test(text)) issue(`target_${metric}_${index}`, 'errors.campaign.targetNumber');
      else values[metric] = Number(text);
    }
    parsed.push({ row: index, areaId: /^\d{1,9}$/.test(row.areaId) ? Number(row.areaId) : null, values });
  });
  if (refused()) {
    issue('targets', 'errors.campaign.targetsInvalid');
    return z.NEVER;
  }
  return parsed;
});
export type TargetsInput = z.infer<typeof targetsInputSchema>;

/** POST /campaigns/:id/status: the status asked for, as typed (an unknown one is refused by the service). */
/** `confirm` is "yes" once the person has confirmed closing the campaign, which cannot be undone. */
export const campaignStatusFormSchema = z.object({ to: formText, confirm: formText });
export type CampaignStatusForm = z.infer<typeof campaignStatusFormSchema>;

export const campaignListQuerySchema = z.object({
  status: z.enum(campaignStatuses).optional().catch(undefined),
  year: z.coerce.number().int().min(1900).max(2199).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;
