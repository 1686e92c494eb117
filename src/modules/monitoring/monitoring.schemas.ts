import { z } from 'zod';
import { formText, readWholeNumber } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';
import { looksLikeIdentifyingNumber } from '../victims/index.js';
import { readPeriodCode, type MonitoringPeriod } from './monitoring.periods.js';
import type { MonitoringCells } from './monitoring.repository.js';

export const MAX_MONITORING_COUNT = 1_000_000;
export const NOTE_MAX = 300;

/** The categories watched (monitoring_situations in vocabulary.json), in the form's order. */
export const monitoringCategories = vocabularyCodes('monitoring_situations');
export const countField = (category: string) => `count-${category}`;

/** The record form exactly as typed (every count as text), re-rendered on an error so nothing is lost. */
export const monitoringFormSchema = z.object({
  areaId: formText,
  year: formText,
  period: formText,
  note: formText,
  version: formText,
  submissionKey: formText,
  ...Object.fromEntries(monitoringCategories.map((category) => [countField(category), formText])),
}) as unknown as z.ZodType<MonitoringFormValues>;
export type MonitoringFormValues = { areaId: string; year: string; period: string; note: string; version: string; submissionKey: string } & Record<string, string>;

export interface MonitoringCountsInput {
  cells: MonitoringCells;
  note: string;
}
export interface MonitoringRecordInput extends MonitoringCountsInput {
  areaId: number;
  period: MonitoringPeriod;
}

type Issue = (field: string, message: MessageKey, params?: MessageParams) => void;

/** The counts (blank = not reported, else a whole number) and the short note, which must not identify anyone. */
function readCounts(values: Record<string, string>, issue: Issue): MonitoringCountsInput {
  const cells: MonitoringCells = {};
  for (const category of monitoringCategories) {
    const typed = (values[countField(category)] ?? '').trim();
    if (typed === '') continue;
    const read = readWholeNumber(typed);
    if (!read.ok) issue(countField(category), read.key);
    else if (read.value > MAX_MONITORING_COUNT) issue(countField(category), 'errors.monitoring.tooLarge', { max: MAX_MONITORING_COUNT });
    else cells[category] = read.value;
  }
  const note = cleanText(values.note ?? '');
  if (note.length > NOTE_MAX) issue('note', 'errors.tooLong', { max: NOTE_MAX });
  else if (looksLikeIdentifyingNumber(note)) issue('note', 'errors.victims.noteNumber');
  return { cells, note };
}

function refusing(ctx: z.RefinementCtx): { issue: Issue; refused: () => boolean } {
  let refused = false;
  return {
    issue: (field, message, params) => {
      refused = true;
      ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
    },
    refused: () => refused,
  };
}

/** The counts and note of an existing record (its area and period are fixed once recorded). */
export const monitoringCountsSchema = (monitoringFormSchema as unknown as z.ZodType<Record<string, string>>).transform((values, ctx): MonitoringCountsInput => {
  const { issue, refused } = refusing(ctx);
  const counts = readCounts(values, issue);
  if (!refused() && Object.keys(counts.cells).length === 0) issue(countField(monitoringCategories[0]!), 'errors.monitoring.noCounts');
  return refused() ? z.NEVER : counts;
});

/** A new record: the area, year and period, then the counts (at least one). */
export function monitoringRecordSchema(currentYear: number) {
  return (monitoringFormSchema as unknown as z.ZodType<Record<string, string>>).transform((values, ctx): MonitoringRecordInput => {
    const { issue, refused } = refusing(ctx);
    const areaText = (values.areaId ?? '').trim();
    if (!/^\d{1,9}$/.test(areaText)) issue('areaId', 'errors.venue.area');
    const yearText = (values.year ?? '').trim();
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
    if (!(year >= 2000 && year <= currentYear)) issue('year', 'errors.victims.year', { max: currentYear });
    const period = Number.isNaN(year) ? null : readPeriodCode(year, values.period ?? '');
    if (!period && !Number.isNaN(year)) issue('period', 'errors.monitoring.period');
    const counts = readCounts(values, issue);
    if (Object.keys(counts.cells).length === 0 && !monitoringCategories.some((category) => (values[countField(category)] ?? '').trim() !== '')) issue(countField(monitoringCategories[0]!), 'errors.monitoring.noCounts');
    if (refused() || !period) return z.NEVER;
    return { areaId: Number(areaText), period, ...counts };
  });
}

/** Filters of the page: the area and year of the series and list, and the category the chart shows. */
export const monitoringListQuerySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  category: z.string().max(60).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type MonitoringListQuery = z.infer<typeof monitoringListQuerySchema>;

/** /monitoring/new?area=&year=&period=: a form started for a given area and period. */
export const newMonitoringQuerySchema = z.object({
  area: z.string().max(9).optional().catch(undefined),
  year: z.string().max(4).optional().catch(undefined),
  period: z.string().max(3).optional().catch(undefined),
});
