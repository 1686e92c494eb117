import { readWholeNumber } from './forms.js';

const vndFormatter = new Intl.NumberFormat('vi-VN');

/** Whole VND shown as Vietnamese write it: 1.500.000 đ. */
export function formatVnd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '';
  return `${vndFormatter.format(amount)} đ`;
}

/** A whole number as people type it (see `readWholeNumber`), or null. */
export function parseWholeNumber(text: string): number | null {
  const read = readWholeNumber(text);
  return read.ok ? read.value : null;
}
