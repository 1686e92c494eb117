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

/**
 * A whole number as people type it: digits, or digits grouped in thousands with dots or spaces
 * ("15.000.000", "15 000 000"). Anything else (a decimal point, a sign, letters) is null.
 */
export function parseWholeNumber(text: string): number | null {
  const typed = text.trim();
  const digits = /^\d{1,3}([. ]\d{3})+$/.test(typed) ? typed.replace(/[. ]/g, '') : typed;
  if (!/^\d{1,15}$/.test(digits)) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}
