import { z } from 'zod';
import { reportingPeriodKinds, type ReportingPeriodKind } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

export const NARRATIVE_MAX = 20_000;
export const COMMENT_MAX = 4_000;
export const narrativeFields = ['assessment', 'difficulties', 'proposals', 'nextTasks'] as const;
export type NarrativeField = (typeof narrativeFields)[number];

/** Multi-line text as typed: NFC, line ends made one kind, spaces at the ends trimmed (inner lines kept). */
function multiline(value: string): string {
  return value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

// ——— reporting periods ———

/** The period form exactly as typed, re-rendered on an error. */
export const periodFormSchema = z.object({
  kind: formText,
  title: formText,
  campaignId: formText,
  periodStart: formText,
  periodEnd: formText,
  dueCommune: formText,
  dueDistrict: formText,
  dueProvince: formText,
  version: formText,
});
export type PeriodFormValues = z.infer<typeof periodFormSchema>;

export interface PeriodInput {
  kind: ReportingPeriodKind;
  title: string;
  campaignId: number | null;
  periodStart: string;
  periodEnd: string;
  dueCommune: string | null;
  dueDistrict: string | null;
  dueProvince: string | null;
}

/**
 * A valid period: a kind, dates that read with the end not before the start, a due date for each level that
 * reports in it (districts before the reform, communes after it; a period spanning the reform reports by
 * district, as the summary counts it) not before the period ends, and the province's not before the lower level's.
 */
export const periodInputSchema = periodFormSchema.transform((typed, ctx): PeriodInput => {
  let refused = false;
  const issue = (field: keyof PeriodFormValues, message: MessageKey, params?: MessageParams) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  };
  const kind = typed.kind.trim();
  if (!(reportingPeriodKinds as readonly string[]).includes(kind)) issue('kind', 'errors.periodic.kind');
  const title = cleanText(typed.title);
  if (title.length > 200) issue('title', 'errors.tooLong', { max: 200 });
  const campaignText = typed.campaignId.trim();
  if (campaignText && !/^\d{1,9}$/.test(campaignText)) issue('campaignId', 'errors.periodic.campaign');
  const date = (field: 'periodStart' | 'periodEnd' | 'dueCommune' | 'dueDistrict' | 'dueProvince', required: boolean): string | null => {
    const text = typed[field].trim();
    if (!text) {
      if (required) issue(field, 'errors.periodic.dateRequired');
      return null;
    }
    const value = parseDateInput(text);
    if (!value) issue(field, 'errors.date.invalid');
    return value;
  };
  const periodStart = date('periodStart', true);
  const periodEnd = date('periodEnd', true);
  if (periodStart && periodEnd && periodEnd < periodStart) issue('periodEnd', 'errors.endBeforeStart');
  // Which lower level reports follows from the dates: districts until 30/06/2025, communes from 01/07/2025.
  const lower = periodStart && periodStart >= '2025-07-01' ? 'dueCommune' : 'dueDistrict';
  const dueLower = date(lower, true);
  const dueProvince = date('dueProvince', true);
  for (const [field, due] of [[lower, dueLower], ['dueProvince', dueProvince]] as const) {
    if (due && periodEnd && due < periodEnd) issue(field, 'errors.periodic.dueBeforeEnd');
  }
  if (dueLower && dueProvince && dueProvince < dueLower) issue('dueProvince', 'errors.periodic.provinceBeforeLower');
  if (refused || !periodStart || !periodEnd) return z.NEVER;
  return {
    kind: kind as ReportingPeriodKind,
    title,
    campaignId: campaignText ? Number(campaignText) : null,
    periodStart,
    periodEnd,
    dueCommune: lower === 'dueCommune' ? dueLower : null,
    dueDistrict: lower === 'dueDistrict' ? dueLower : null,
    dueProvince,
  };
});

// ——— reports ———

/** "Lập báo cáo": which period and area. */
export const buildFormSchema = z.object({ periodId: formText, areaId: formText });
export type BuildFormValues = z.infer<typeof buildFormSchema>;
export const buildInputSchema = buildFormSchema.transform((typed, ctx) => {
  const periodId = /^\d{1,9}$/.test(typed.periodId.trim()) ? Number(typed.periodId.trim()) : 0;
  const areaId = /^\d{1,9}$/.test(typed.areaId.trim()) ? Number(typed.areaId.trim()) : 0;
  if (!periodId) ctx.addIssue({ code: 'custom', path: ['periodId'], message: 'errors.periodic.period' });
  if (!areaId) ctx.addIssue({ code: 'custom', path: ['areaId'], message: 'errors.periodic.area' });
  return { periodId, areaId };
});

/** The narrative form as typed (never lost: a refused form comes back with all of it). */
export const narrativeFormSchema = z.object({
  assessment: formText,
  difficulties: formText,
  proposals: formText,
  nextTasks: formText,
  version: formText,
});
export type NarrativeFormValues = z.infer<typeof narrativeFormSchema>;
export type NarrativeInput = Record<NarrativeField, string>;

/** Saving: each text at most NARRATIVE_MAX characters. */
export const narrativeInputSchema = narrativeFormSchema.transform((typed, ctx): NarrativeInput => {
  const values = Object.fromEntries(narrativeFields.map((field) => [field, multiline(typed[field])])) as NarrativeInput;
  for (const field of narrativeFields) {
    if (values[field].length > NARRATIVE_MAX) ctx.addIssue({ code: 'custom', path: [field], message: 'errors.tooLong', params: { max: NARRATIVE_MAX } });
  }
  return values;
});

/** Submitting also needs the assessment and the proposals to the level above: a report without them says nothing the figures do not. */
export const submitInputSchema = narrativeInputSchema.superRefine((values, ctx) => {
  if (!values.assessment) ctx.addIssue({ code: 'custom', path: ['assessment'], message: 'errors.periodic.assessmentRequired' });
  if (!values.proposals) ctx.addIssue({ code: 'custom', path: ['proposals'], message: 'errors.periodic.proposalsRequired' });
});

/** Accept or return, with a comment (required to return). */
export const reviewFormSchema = z.object({ decision: formText, comment: formText });
export type ReviewFormValues = z.infer<typeof reviewFormSchema>;
export const reviewInputSchema = reviewFormSchema.transform((typed, ctx) => {
  const decision = typed.decision.trim();
  const comment = multiline(typed.comment);
  if (decision !== 'accept' && decision !== 'return') ctx.addIssue({ code: 'custom', path: ['decision'], message: 'errors.periodic.decision' });
  if (decision === 'return' && !comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: 'errors.periodic.commentRequired' });
  if (comment.length > COMMENT_MAX) ctx.addIssue({ code: 'custom', path: ['comment'], message: 'errors.tooLong', params: { max: COMMENT_MAX } });
  return { decision: decision as 'accept' | 'return', comment };
});

/** Issuing a corrected edition: why. */
export const correctionFormSchema = z.object({ reason: formText });
export const correctionInputSchema = correctionFormSchema.transform((typed, ctx) => {
  const reason = multiline(typed.reason);
  if (!reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.periodic.reasonRequired' });
  if (reason.length > COMMENT_MAX) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.tooLong', params: { max: COMMENT_MAX } });
  return { reason };
});

/** /periodic-reports/:id.xlsx */
export const reportFileParamsSchema = z.object({
  file: z.string().transform((file, ctx) => {
    const match = /^(\d{1,9})\.xlsx$/.exec(file);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'file' });
      return z.NEVER;
    }
    return Number(match[1]);
  }),
});
