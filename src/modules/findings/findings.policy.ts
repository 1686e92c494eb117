import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import type { MessageKey } from '../../i18n/index.js';
import type { checks } from '../../../db/schema/index.js';
import type { FindingRow } from './findings.repository.js';
import type { FollowUpRow } from './follow-ups.repository.js';
import type { FollowUpStatus } from '../../../db/schema/index.js';

type CheckRow = typeof checks.$inferSelect;

/** The moves a person can make on a follow-up by hand; "verified" has its own action with its evidence. */
const manualTransitions: Record<FollowUpStatus, FollowUpStatus[]> = {
  open: ['in_progress', 'done'],
  in_progress: ['done', 'open'],
  done: ['in_progress'],
  verified: [],
};

/**
 * Who may do what with findings and their follow-ups, beyond the route's permission:
 * - a finding outside the checklist is added to a submitted report by its inspector, or to a submitted or
 *   approved report by a head (an approved report is a settled record);
 * - heads refer critical findings and set the severity of open ones;
 * - a finding closes only when it has follow-ups, all done or verified, and a critical one was referred;
 * - heads add follow-ups to open findings and verify them; the person a follow-up is assigned to works it;
 * - the victim-detail note is for heads and admins only.
 */
export const findingsPolicy = {
  /** Why this person may not add a finding to this report, or null when they may. */
  addFindingRefusal(actor: Actor, check: CheckRow): MessageKey | null {
    if (check.status === 'draft' || check.status === 'returned') return 'findings.reportNotSubmitted';
    if (check.inspectorId !== actor.userId && !can(actor.role, 'checks.review')) return 'findings.notYourReport';
    if (check.status === 'approved' && !can(actor.role, 'checks.review')) return 'findings.approvedHeadsOnly';
    return null;
  },

  canAddFinding(actor: Actor, check: CheckRow): boolean {
    return can(actor.role, 'checks.file') && this.addFindingRefusal(actor, check) === null;
  },

  seeSensitive(actor: Actor): boolean {
    return can(actor.role, 'findings.sensitive');
  },

  /** A critical finding still open and not referred: it waits for a head's referral. */
  awaitsReferral(finding: Pick<FindingRow, 'severity' | 'referredOn' | 'status'>): boolean {
    return finding.severity === 'critical' && !finding.referredOn && finding.status === 'open';
  },

  canRefer(actor: Actor, finding: Pick<FindingRow, 'severity' | 'status'>): boolean {
    return finding.severity === 'critical' && finding.status === 'open' && can(actor.role, 'findings.refer');
  },

  canChangeSeverity(actor: Actor, finding: Pick<FindingRow, 'status'>): boolean {
    return finding.status === 'open' && can(actor.role, 'findings.refer');
  },

  /** A finding closes only when it has follow-ups and every one is done or verified (and, if critical, it was referred). */
  isSettled(finding: Pick<FindingRow, 'status' | 'severity' | 'referredOn'>, followUps: Array<Pick<FollowUpRow, 'status'>>): boolean {
    if (finding.status !== 'open' || followUps.length === 0) return false;
    if (finding.severity === 'critical' && !finding.referredOn) return false;
    return followUps.every((followUp) => followUp.status === 'done' || followUp.status === 'verified');
  },

  canClose(actor: Actor, finding: Pick<FindingRow, 'status' | 'severity' | 'referredOn'>, followUps: Array<Pick<FollowUpRow, 'status'>>): boolean {
    return this.isSettled(finding, followUps) && can(actor.role, 'followups.manage');
  },

  canAddFollowUp(actor: Actor, finding: Pick<FindingRow, 'status'>): boolean {
    return finding.status === 'open' && can(actor.role, 'followups.manage');
  },

  /** Heads work any follow-up; anyone else only one assigned to them. */
  mayWorkFollowUp(actor: Actor, followUp: Pick<FollowUpRow, 'responsibleUserId'>): boolean {
    return can(actor.role, 'followups.manage') || (followUp.responsibleUserId !== null && followUp.responsibleUserId === actor.userId);
  },

  /** The statuses this person may move a follow-up to by hand. */
  nextStatuses(actor: Actor, followUp: Pick<FollowUpRow, 'responsibleUserId' | 'status'>): FollowUpStatus[] {
    return this.mayWorkFollowUp(actor, followUp) ? manualTransitions[followUp.status] : [];
  },

  canMoveFollowUp(followUp: Pick<FollowUpRow, 'status'>, to: FollowUpStatus): boolean {
    return manualTransitions[followUp.status].includes(to);
  },

  canWorkFollowUp(actor: Actor, followUp: Pick<FollowUpRow, 'responsibleUserId' | 'status'>): boolean {
    return this.mayWorkFollowUp(actor, followUp) && followUp.status !== 'verified';
  },

  canVerifyFollowUp(actor: Actor, followUp: Pick<FollowUpRow, 'status'>): boolean {
    return followUp.status !== 'verified' && can(actor.role, 'followups.verify');
  },

  canComment(actor: Actor): boolean {
    return can(actor.role, 'followups.comment');
  },
};
