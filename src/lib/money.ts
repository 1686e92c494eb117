const vndFormatter = new Intl.NumberFormat('vi-VN');

/** Whole VND shown as Vietnamese write it: 1.500.000 đ. */
export function formatVnd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '';
  return `${vndFormatter.format(amount)} đ`;
}
