/**
 * Small-cell suppression for counts of victims (Law 53/2024/QH15: no disclosure of what could identify a victim).
 *
 * The rule, the same in every export and on pages for those who may not see exact figures:
 * - a cell of 1 to 4 is shown as "<5" (0 and 5 or more as they are);
 * - a total over a column with any "<5" cell is not shown exactly but as "≥N", where N is the sum of the shown
 *   cells plus 1 for each hidden one: a lower bound anyone can already work out from the visible cells, so the
 *   hidden cells cannot be recovered by subtracting the shown cells from the total;
 * - a total of 1 to 4 is itself "<5".
 */
export const SMALL_CELL = '<5';

export type ShownCount = number | string;

export function isSmallCount(value: number): boolean {
  return value >= 1 && value <= 4;
}

/** One cell on its own: 1–4 as "<5". */
export function suppressCell(value: number): ShownCount {
  return isSmallCount(value) ? SMALL_CELL : value;
}

/** A column of cells and their total (the total is the sum of the cells), suppressed by the rule above. */
export function suppressColumn(cells: readonly number[], total: number): { cells: ShownCount[]; total: ShownCount } {
  const shown = cells.map(suppressCell);
  const hidden = cells.filter(isSmallCount).length;
  if (isSmallCount(total)) return { cells: shown, total: SMALL_CELL };
  if (hidden === 0) return { cells: shown, total };
  const lowerBound = cells.reduce((sum, value) => sum + (isSmallCount(value) ? 1 : value), 0);
  return { cells: shown, total: `≥${lowerBound}` };
}
