/**
 * The one overdue rule for work tracked until verified (follow-ups, recommendations): still open or in progress
 * after its due date, today being the date in Vietnam. Computed, never stored.
 */
export function isOverdue(item: { status: string; dueDate: string }, today: string): boolean {
  return (item.status === 'open' || item.status === 'in_progress') && item.dueDate < today;
}
