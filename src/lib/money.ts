import { readWholeNumber } from './forms.js';

/** The languages numbers are written in: Vietnamese groups thousands with dots, English with commas. */
export type NumberLanguage = 'vi' | 'en';

const numberFormatters: Record<NumberLanguage, Intl.NumberFormat> = { vi: new Intl.NumberFormat('vi-VN'), en: new Intl.NumberFormat('en-US') };

/** A number as people of the language write it: 1.250 in Vietnamese, 1,250 in English. */
export function formatNumber(value: number, lang: NumberLanguage): string {
  return numberFormatters[lang].format(value);
}

/** Whole VND as each language writes it: 1.500.000 đ, 1,500,000 VND. */
export function formatVnd(amount: number | null | undefined, lang: NumberLanguage): string {
  if (amount === null || amount === undefined) return '';
  return lang === 'en' ? `${formatNumber(amount, lang)} VND` : `${formatNumber(amount, lang)} đ`;
}

/** A whole number as people type it (see `readWholeNumber`), or null. */
export function parseWholeNumber(text: string): number | null {
  const read = readWholeNumber(text);
  return read.ok ? read.value : null;
}
