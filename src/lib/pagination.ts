import { formatNumber, type NumberLanguage } from './money.js';

export const PAGE_SIZE = 25;

/**
 * Lists count at most this many rows: beyond it a page says "more than …" (and its pages go on) instead of
 * counting through ten years of records on every request; narrowing the filters gives an exact count.
 */
export const LIST_COUNT_CAP = 1_000;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  /** The total reached LIST_COUNT_CAP: there are more rows than it says. */
  capped: boolean;
}

/** Clamps a requested page into range and gives the SQL offset. */
export function pageWindow(requestedPage: number, total: number, pageSize = PAGE_SIZE) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.floor(requestedPage) || 1), pageCount);
  return { page, pageCount, pageSize, offset: (page - 1) * pageSize, capped: total > LIST_COUNT_CAP };
}

/** A count from cappedCount as shown in the language: "1.000+" (English "1,000+") once it reaches the cap. */
export function formatCount(total: number, lang: NumberLanguage): string {
  return total > LIST_COUNT_CAP ? `${formatNumber(LIST_COUNT_CAP, lang)}+` : formatNumber(total, lang);
}
