import { z } from 'zod';
import { formText, readWholeNumber } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';
import { cellField, looksLikeIdentifyingNumber, routeMeasureCodes, victimCellFields, victimMeasures, victimSplits, type VictimCells } from './victims.measures.js';

/** The largest count a cell takes: far above any province's quarter, low enough to catch a slip of the keyboard. */
export const MAX_VICTIM_COUNT = 100_000;
export const NOTE_MAX = 300;

/** The record form exactly as typed (every count cell as text), re-rendered on an error so nothing is lost. */
export const victimFormSchema = z.object({
  areaId: formText,
  year: formText,
  quarter: formText,
  note: formText,
  version: formText,
  submissionKey: formText,
  ...Object.fromEntries(victimCellFields.map((field) => [field, formText])),
}) as unknown as z.ZodType<VictimFormValues>;
export type VictimFormValues = { areaId: string; year: string; quarter: string; note: string; version: string; submissionKey: string } & Record<string, string>;

/** What a valid form holds: the counts (cells above zero only) and the note; the area and quarter when creating. */
export interface VictimCountsInput {
  cells: VictimCells;
  note: string;
}
export interface VictimRecordInput extends VictimCountsInput {
  areaId: number;
  year: number;
  quarter: number;
}

type Issue = (field: string, message: MessageKey, params?: MessageParams) => void;

/** The counts and the note: whole numbers ≥ 0 ("1.000" and "1,000" read), parts never above their whole, cell by cell. */
function readCounts(values: Record<string, string>, issue: Issue): VictimCountsInput {
  const cells: VictimCells = {};
  const unreadable = new Set<string>();
  for (const field of victimCellFields) {
    const typed = (values[field] ?? '').trim();
    if (typed === '') continue;
    const read = readWholeNumber(typed);
    if (!read.ok) {
      issue(field, read.key);
      unreadable.add(field);
    } else if (read.value > MAX_VICTIM_COUNT) {
      issue(field, 'errors.victims.tooLarge', { max: MAX_VICTIM_COUNT });
      unreadable.add(field);
    } else if (read.value > 0) cells[field] = read.value;
  }
  const at = (measure: string, split: (typeof victimSplits)[number]) => cells[cellField(measure, split)] ?? 0;
  for (const split of victimSplits) {
    for (const measure of victimMeasures) {
      if (!measure.limit) continue;
      const field = cellField(measure.code, split);
      if (unreadable.has(field) || unreadable.has(cellField(measure.limit, split))) continue;
      const limit = at(measure.limit, split);
      if (at(measure.code, split) > limit) issue(field, `errors.victims.over.${measure.limit}` as MessageKey, { total: limit });
    }
    // Each person came back one way, so the ways of return together never exceed those returned.
    const routeFields = routeMeasureCodes.map((code) => cellField(code, split));
    if (!routeFields.some((field) => unreadable.has(field)) && !unreadable.has(cellField('returned', split))) {
      const sum = routeMeasureCodes.reduce((total, code) => total + at(code, split), 0);
      const returned = at('returned', split);
      if (sum > returned && routeMeasureCodes.every((code) => at(code, split) <= returned)) issue(routeFields[0]!, 'errors.victims.routesOverReturned', { sum, total: returned });
    }
  }
  const note = cleanText(values.note ?? '');
  if (note.length > NOTE_MAX) issue('note', 'errors.tooLong', { max: NOTE_MAX });
  else if (looksLikeIdentifyingNumber(note)) issue('note', 'errors.victims.noteNumber');
  return { cells, note };
}

/** The counts of an existing record (its area and quarter are fixed once recorded). */
export const victimCountsSchema = (victimFormSchema as unknown as z.ZodType<Record<string, string>>).transform((values, ctx): VictimCountsInput => {
  let refused = false;
  const counts = readCounts(values, (field, message, params) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  });
  return refused ? z.NEVER : counts;
});

/** A new record: the area, year and quarter, then the counts. */
export function victimRecordSchema(currentYear: number) {
  return (victimFormSchema as unknown as z.ZodType<Record<string, string>>).transform((values, ctx): VictimRecordInput => {
    let refused = false;
    const issue: Issue = (field, message, params) => {
      refused = true;
      ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
    };
    const areaText = (values.areaId ?? '').trim();
    if (!/^\d{1,9}$/.test(areaText)) issue('areaId', 'errors.venue.area');
    const yearText = (values.year ?? '').trim();
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
    if (!(year >= 2000 && year <= currentYear)) issue('year', 'errors.victims.year', { max: currentYear });
    const quarterText = (values.quarter ?? '').trim();
    if (!/^[1-4]$/.test(quarterText)) issue('quarter', 'errors.victims.quarter');
    const counts = readCounts(values, issue);
    if (refused) return z.NEVER;
    return { areaId: Number(areaText), year, quarter: Number(quarterText), ...counts };
  });
}

/** Filters of the list: a value that makes no sense is dropped, so old links still open. */
export const victimListQuerySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type VictimListQuery = z.infer<typeof victimListQuerySchema>;

/** /victim-support/new?area=&year=&quarter=: a form started for a given area and quarter. */
export const newVictimQuerySchema = z.object({
  area: z.string().max(9).optional().catch(undefined),
  year: z.string().max(4).optional().catch(undefined),
  quarter: z.string().max(1).optional().catch(undefined),
});

/** The delete form: the version it was loaded with, and `confirm=yes` once confirmed. */
export const victimDeleteFormSchema = z.object({ version: formText, confirm: formText });
