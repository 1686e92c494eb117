import type { MonitoringPeriodKind } from '../../../db/schema/index.js';

/** A month or a quarter of a year, as the form names it: `m1`…`m12`, `q1`…`q4`. */
export interface MonitoringPeriod {
  kind: MonitoringPeriodKind;
  year: number;
  number: number;
  start: string;
  end: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function monthPeriod(year: number, month: number): MonitoringPeriod {
  return { kind: 'month', year, number: month, start: `${year}-${pad(month)}-01`, end: `${year}-${pad(month)}-${pad(lastDay(year, month))}` };
}

export function quarterPeriod(year: number, quarter: number): MonitoringPeriod {
  const first = (quarter - 1) * 3 + 1;
  return { kind: 'quarter', year, number: quarter, start: `${year}-${pad(first)}-01`, end: `${year}-${pad(first + 2)}-${pad(lastDay(year, first + 2))}` };
}

/** The period a form's choice names (`m3` March, `q2` the second quarter), or null. */
export function readPeriodCode(year: number, code: string): MonitoringPeriod | null {
  const match = /^([mq])(\d{1,2})$/.exec(code.trim());
  if (!match) return null;
  const number = Number(match[2]);
  if (match[1] === 'm') return number >= 1 && number <= 12 ? monthPeriod(year, number) : null;
  return number >= 1 && number <= 4 ? quarterPeriod(year, number) : null;
}

export function periodCode(kind: MonitoringPeriodKind, number: number): string {
  return `${kind === 'month' ? 'm' : 'q'}${number}`;
}

/** The choices of the form, in order: the twelve months, then the four quarters. */
export const periodCodes = [...Array.from({ length: 12 }, (_, index) => `m${index + 1}`), ...[1, 2, 3, 4].map((quarter) => `q${quarter}`)];
