import { z } from 'zod';
import { parseDateInput } from '../../lib/dates.js';
import { formText } from '../../lib/forms.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { MessageKey } from '../../i18n/index.js';
import { recordKinds, type RecordKind } from './records.queries.js';
import { figureGroups, type FigureGroup } from './summary.service.js';

const typedText = formText.transform((value) => value.slice(0, 20));

/** A summary's filters exactly as typed (each cut to 20 characters), to show them again when they do not read. */
export const summaryQuerySchema = z.object({ from: typedText, to: typedText, campaign: typedText, level: typedText, topic: typedText });
export type TypedSummaryQuery = z.infer<typeof summaryQuerySchema>;

/** The groups of columns the summary page shows one at a time, in order (`group=` in its address). */
export const summaryGroups = Object.keys(figureGroups) as [FigureGroup, ...FigureGroup[]];

/** The group asked for; any other value (or none) shows the first group: it only chooses columns, so it never refuses. */
export const summaryGroupSchema = z.enum(summaryGroups).catch(summaryGroups[0]);

/** The summary page's query: the filters as typed, and the group of columns to show. */
export const summaryPageQuerySchema = summaryQuerySchema.extend({ group: summaryGroupSchema });
export type SummaryPageQuery = z.infer<typeof summaryPageQuerySchema>;

export const summaryLevels = ['district', 'commune'] as const;

/** The period, campaign and level a summary or export is asked for (dates as YYYY-MM-DD; none = this year). */
export interface SummaryQuery {
  from?: string;
  to?: string;
  campaign?: number;
  level: (typeof summaryLevels)[number];
  /** Outreach figures of this topic only. */
  topic?: string;
}

/**
 * The filters as typed → a summary query. A date that does not read, "to" before "from", an unknown campaign or
 * level is a message beside its field: never silently replaced, so no file is made for another period. Whether a
 * campaign exists is the service's check (`campaignExists`), asked with the others so every message shows at once.
 */
export function summaryFilterSchema(campaignExists: (id: number) => boolean) {
  return summaryQuerySchema.transform((typed, ctx): SummaryQuery => {
    const problem = (field: keyof TypedSummaryQuery, message: MessageKey) => ctx.addIssue({ code: 'custom', path: [field], message });
    const from = typed.from.trim() ? parseDateInput(typed.from) : null;
    const to = typed.to.trim() ? parseDateInput(typed.to) : null;
    if (typed.from.trim() && !from) problem('from', 'errors.date.invalid');
    if (typed.to.trim() && !to) problem('to', 'errors.date.invalid');
    if (from && to && to < from) problem('to', 'errors.endBeforeStart');
    const campaignText = typed.campaign.trim();
    const campaign = /^\d{1,9}$/.test(campaignText) ? Number(campaignText) : 0;
    if (campaignText && (!campaign || !campaignExists(campaign))) problem('campaign', 'errors.summary.campaign');
    const level = typed.level.trim();
    if (level && !(summaryLevels as readonly string[]).includes(level)) problem('level', 'errors.summary.level');
    const topic = typed.topic.trim();
    if (topic && !vocabularyCodes('outreach_topics').includes(topic)) problem('topic', 'errors.summary.topic');
    return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(campaign ? { campaign } : {}), level: level === 'commune' ? 'commune' : 'district', ...(topic ? { topic } : {}) };
  });
}

/** /reports/records/:file: one kind of record as CSV or XLSX (any other name answers 404). */
export const recordFileParamsSchema = z.object({
  file: z.string().transform((file, ctx) => {
    const match = /^(\w+)\.(csv|xlsx)$/.exec(file);
    if (!match || !(recordKinds as readonly string[]).includes(match[1]!)) {
      ctx.addIssue({ code: 'custom', message: 'export' });
      return z.NEVER;
    }
    return { kind: match[1] as RecordKind, format: match[2] as 'csv' | 'xlsx' };
  }),
});
export type RecordFileParams = z.infer<typeof recordFileParamsSchema>;
