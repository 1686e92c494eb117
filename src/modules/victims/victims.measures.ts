import type { VictimAgeGroup, VictimSex } from '../../../db/schema/index.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';

/** The four cells every measure is recorded in: sex × child (under 18) / adult. */
export const victimSplits = [
  { sex: 'male', ageGroup: 'child' },
  { sex: 'male', ageGroup: 'adult' },
  { sex: 'female', ageGroup: 'child' },
  { sex: 'female', ageGroup: 'adult' },
] as const satisfies ReadonlyArray<{ sex: VictimSex; ageGroup: VictimAgeGroup }>;
export type VictimSplit = (typeof victimSplits)[number];

export type MeasureSection = 'returned' | 'routes' | 'identification' | 'support' | 'outcome';

/**
 * One measure of a record. `limit` is the measure no cell of this one may exceed (the same sex and age group);
 * ways of return are also limited together: their sum may not exceed those returned.
 */
export interface VictimMeasure {
  code: string;
  section: MeasureSection;
  /** A list of vocabulary.json the label comes from, else a message `victims.measure.<code>`. */
  vocabulary?: 'victim_return_routes' | 'victim_support_kinds';
  vocabularyCode?: string;
  limit?: string;
}

const routes = vocabularyCodes('victim_return_routes').map((code): VictimMeasure => ({ code: `route_${code}`, section: 'routes', vocabulary: 'victim_return_routes', vocabularyCode: code, limit: 'returned' }));
const kinds = vocabularyCodes('victim_support_kinds').map((code): VictimMeasure => ({ code: `support_${code}`, section: 'support', vocabulary: 'victim_support_kinds', vocabularyCode: code, limit: 'supported' }));

/** Every measure, in the order the form and the record's page show them. */
export const victimMeasures: readonly VictimMeasure[] = [
  { code: 'returned', section: 'returned' },
  ...routes,
  { code: 'verified', section: 'identification', limit: 'returned' },
  { code: 'supported', section: 'support', limit: 'returned' },
  ...kinds,
  { code: 'handed_to_family', section: 'outcome', limit: 'returned' },
  { code: 'supported_6m', section: 'outcome', limit: 'returned' },
  { code: 'supported_12m', section: 'outcome', limit: 'supported_6m' },
];

export const victimMeasureCodes = victimMeasures.map((measure) => measure.code);
export const routeMeasureCodes = routes.map((measure) => measure.code);
export const measureSections: readonly MeasureSection[] = ['returned', 'routes', 'identification', 'support', 'outcome'];

/** The form field of one cell: `returned-male-child`. */
export function cellField(measure: string, split: { sex: string; ageGroup: string }): string {
  return `${measure}-${split.sex}-${split.ageGroup}`;
}

export const victimCellFields = victimMeasures.flatMap((measure) => victimSplits.map((split) => cellField(measure.code, split)));

/** A count per cell field (`returned-male-child` → 3); a missing cell is 0. */
export type VictimCells = Record<string, number>;

/** A measure's total over its cells (including cells of a source without a split, `unknown`). */
export function measureTotal(cells: VictimCells, measure: string): number {
  let total = 0;
  for (const [field, value] of Object.entries(cells)) if (field.startsWith(`${measure}-`)) total += value;
  return total;
}

/** The first and last day of a calendar quarter. */
export function quarterPeriod(year: number, quarter: number): { start: string; end: string } {
  const firstMonth = (quarter - 1) * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (value: number) => String(value).padStart(2, '0');
  return { start: `${year}-${pad(firstMonth)}-01`, end: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

/** A number that looks like a phone or identity number: 7 or more digits, possibly grouped by spaces, dots or dashes. */
const identifyingNumber = /\d(?:[\s.-]?\d){6,}/;

export function looksLikeIdentifyingNumber(text: string): boolean {
  return identifyingNumber.test(text.replace(/[\u00a0\u202f]/g, ' '));
}
