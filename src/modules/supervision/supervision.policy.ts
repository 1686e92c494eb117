import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import type { RecommendationStatus } from '../../../db/schema/index.js';
import type { RecommendationRow, SupervisionRow } from './supervision.repository.js';

/** The moves a person makes on a recommendation by hand; "verified" has its own action with its note. */
const manualTransitions: Record<RecommendationStatus, RecommendationStatus[]> = {
  open: ['in_progress', 'done'],
  in_progress: ['done', 'open'],
  done: ['in_progress'],
  verified: [],
};

/**
 * Who may do what with a supervision record, beyond the route's permission (the rules of visit reports):
 * - records are filed only in rounds whose purpose includes supervision, not cancelled; an inspector only in a
 *   round whose team lists their account, heads and admins in any round they see;
 * - only the person who filed a record edits it (and its recommendations), while a draft or returned to them;
 * - heads and admins review submitted records, not their own (an admin may);
 * - an approved record is corrected only by an amendment, one at a time.
 * Recommendations of an approved record are moved along by heads and by the round's team; heads verify them.
 */
export const supervisionPolicy = {
  canFileInRound(actor: Actor, round: { status: string; purpose: string }, teamUserIds: number[]): boolean {
    if (round.status === 'cancelled' || round.purpose === 'venue_check' || !can(actor.role, 'supervision.file')) return false;
    if (actor.role === 'inspector') return actor.userId !== null && teamUserIds.includes(actor.userId);
    return true;
  },

  canEdit(actor: Actor, record: SupervisionRow): boolean {
    return (record.status === 'draft' || record.status === 'returned') && record.filedBy === actor.userId;
  },

  canReview(actor: Actor, record: SupervisionRow): boolean {
    return record.status === 'submitted' && can(actor.role, 'supervision.review') && (record.filedBy !== actor.userId || actor.role === 'admin');
  },

  canAmend(actor: Actor, record: SupervisionRow, pendingAmendmentId: number | null): boolean {
    return record.status === 'approved' && record.supersededById === null && pendingAmendmentId === null && can(actor.role, 'supervision.review');
  },

  /** Heads move any recommendation they see; the round's team (with an account) moves those of its round. */
  mayWorkRecommendation(actor: Actor, teamUserIds: number[]): boolean {
    if (can(actor.role, 'recommendations.manage')) return true;
    return can(actor.role, 'recommendations.progress') && actor.userId !== null && teamUserIds.includes(actor.userId);
  },

  nextStatuses(actor: Actor, recommendation: Pick<RecommendationRow, 'status'>, teamUserIds: number[], trackable: boolean): RecommendationStatus[] {
    return trackable && this.mayWorkRecommendation(actor, teamUserIds) ? manualTransitions[recommendation.status] : [];
  },

  canMove(recommendation: Pick<RecommendationRow, 'status'>, to: RecommendationStatus): boolean {
    return manualTransitions[recommendation.status].includes(to);
  },

  canVerify(actor: Actor, recommendation: Pick<RecommendationRow, 'status'>, trackable: boolean): boolean {
    return trackable && recommendation.status === 'done' && can(actor.role, 'recommendations.manage');
  },
};
