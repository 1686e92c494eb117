import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import type { CheckRow } from './inspections.repository.js';

/**
 * Who may do what with a visit report, beyond the route's permission:
 * - reports are filed only in rounds whose purpose includes venue checks (not in a supervision-only round);
 * - an inspector files reports only in rounds whose team lists their account; heads and admins in any round they see;
 * - only the person who filed a report edits it, while it is a draft or has been returned to them;
 * - heads and admins review submitted reports, but not one they filed themselves (an admin may);
 * - an approved report is never edited: a head files an amendment, one at a time;
 * - evidence (photos, scans) is added by the person who filed the report until it is reviewed, also once it is
 *   submitted (photos often arrive after the visit, over a weak link); it is removed only while it can be edited.
 */
export const inspectionsPolicy = {
  canFileInRound(actor: Actor, round: { status: string; purpose: string }, teamUserIds: number[]): boolean {
    if (round.status === 'cancelled' || round.purpose === 'supervision' || !can(actor.role, 'checks.file')) return false;
    if (actor.role === 'inspector') return actor.userId !== null && teamUserIds.includes(actor.userId);
    return true;
  },

  canEdit(actor: Actor, check: CheckRow): boolean {
    return (check.status === 'draft' || check.status === 'returned') && check.inspectorId === actor.userId;
  },

  canAttach(actor: Actor, check: CheckRow): boolean {
    return this.canEdit(actor, check) || (check.status === 'submitted' && check.inspectorId === actor.userId);
  },

  canReview(actor: Actor, check: CheckRow): boolean {
    return check.status === 'submitted' && can(actor.role, 'checks.review') && (check.inspectorId !== actor.userId || actor.role === 'admin');
  },

  canAmend(actor: Actor, check: CheckRow, pendingAmendmentId: number | null): boolean {
    return check.status === 'approved' && check.supersededById === null && pendingAmendmentId === null && can(actor.role, 'checks.review');
  },
};
