const vndFormatter = new Intl.NumberFormat('vi-VN');

/** Whole VND shown as Vietnamese write it: 1.500.000 đ. */
export function formatVnd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '';
  return `${vndFormatter.format(amount)} đ`;
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
