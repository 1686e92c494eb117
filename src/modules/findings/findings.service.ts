import type { AppDatabase } from '../../../db/client.js';
import type { Language, Translate } from '../../i18n/index.js';
import type { CheckAnswer, checks, Severity } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso, parseDateInput, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, ForbiddenError, StateError } from '../../lib/errors.js';
import type { FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { diff } from '../audit/index.js';
import { englishItemText, legacySeverity, type ChecklistItem, type ChecklistsService } from '../checklists/index.js';
import { followUpsRepository, type FollowUpRow } from './follow-ups.repository.js';
import { findingsPolicy } from './findings.policy.js';
import type { FindingListQuery, NewFindingInput, ReferralInput } from './findings.schemas.js';
import { findingsRepository, type FindingListFilter, type FindingListRow, type FindingRow } from './findings.repository.js';
import type { AuditService } from '../audit/index.js';

type CheckRow = typeof checks.$inferSelect;

/**
 * A finding as people read it: a checklist item's text states the requirement, so it is marked as not met. The
 * finding keeps the item's Vietnamese text; in English it is the checklist's English text of that item (exports
 * keep the Vietnamese). A finding typed outside the checklist reads as it was typed.
 */
export function findingTitle(t: Translate, finding: { itemCode: string | null; title: string }, lang: Language = 'vi'): string {
  if (!finding.itemCode) return finding.title;
  const text = lang === 'en' ? (englishItemText(finding.itemCode, finding.title) ?? finding.title) : finding.title;
  return `${finding.itemCode}. ${t('findings.notMet')}: ${text}`;
}

/**
 * The severity a finding from a checklist item starts at, for an item of a version stored before items carried
 * "critical" themselves. Items read through the checklists service already carry it: findings take `item.severity`.
 */
export const defaultSeverity = legacySeverity;

/** A finding closes only when it has follow-ups and every one is done or verified (and, if critical, it was referred). */
export function canClose(finding: Pick<FindingRow, 'status' | 'severity' | 'referredOn'>, followUps: Array<Pick<FollowUpRow, 'status'>>): boolean {
  return findingsPolicy.isSettled(finding, followUps);
}

export interface FindingDetail {
  finding: FindingRow;
  venueName: string;
  roundTitle: string;
  areaName: string;
  referrerName: string | null;
  followUps: FollowUpRow[];
  /** Critical, open and not referred yet. */
  awaitsReferral: boolean;
  can: { refer: boolean; seeSensitive: boolean; addFollowUp: boolean; close: boolean; changeSeverity: boolean };
}

export function findingsService({ db, catalog, audit, checklists, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; checklists: ChecklistsService; now?: () => Date }) {
  const repository = findingsRepository(db);
  const followUps = followUpsRepository(db);

  function load(actor: Actor, id: number): FindingRow {
    const finding = repository.findById(id, actor.scope);
    if (!finding) throw new NotFoundError('finding');
    return finding;
  }

  /** What any reader may see of a finding: the victim-detail field only for heads and admins. */
  function visible(actor: Actor, finding: FindingRow): FindingRow {
    return findingsPolicy.seeSensitive(actor) ? finding : { ...finding, victimDetails: '' };
  }

  /**
   * Closes an open finding (inside the caller's transaction) with its audit entry; `version` is the one the
   * caller last wrote, `why` what settled it. A finding changed meanwhile is a conflict.
   */
  function markClosed(actor: Actor, finding: FindingRow, version: number, at: string, why: Record<string, [unknown, unknown]> = {}): void {
    if (!repository.update(finding.id, version, { status: 'closed', closedAt: at, updatedAt: at })) throw new ConflictError();
    audit.record(actor, { action: 'status', recordType: 'finding', recordId: finding.id, changes: { status: ['open', 'closed'], ...why }, areaIds: [finding.areaId] });
  }

  /** A finding of a checklist item marked critical in its report's version stays critical. */
  function alwaysCritical(finding: FindingRow): boolean {
    if (!finding.itemCode) return false;
    const templateId = repository.templateIdOfCheck(finding.checkId);
    const item = templateId === undefined ? undefined : checklists.get(templateId).body.items.find((candidate) => candidate.code === finding.itemCode);
    return item?.severity === 'critical';
  }

  function insertFinding(actor: Actor, row: Omit<FindingRow, 'id' | 'version'>): number {
    const id = repository.insert(row);
    audit.record(actor, { action: 'create', recordType: 'finding', recordId: id, changes: { title: [null, row.title], severity: [null, row.severity], check: [null, row.checkId] }, areaIds: [row.areaId] });
    return id;
  }

  return {
    /**
     * On submission, each checklist item answered "violation" becomes a finding (kept in step if the report is
     * returned and submitted again: a finding no longer answered as a violation goes, unless work has started on it).
     * Runs inside the submission's transaction.
     */
    syncFromReport(actor: Actor, check: CheckRow, items: ChecklistItem[], answers: Array<{ itemCode: string; answer: CheckAnswer | null; note: string }>): void {
      // An amendment's violations are its original's findings, already followed up: never duplicate them.
      const inherited = check.amendsId ? repository.forCheck(check.amendsId).filter((finding) => finding.itemCode) : [];
      for (const finding of inherited) {
        const answer = answers.find((candidate) => candidate.itemCode === finding.itemCode);
        if (answer?.answer === 'violation' && answer.note !== finding.description) repository.update(finding.id, finding.version, { description: answer.note, updatedAt: nowIso(now()) });
      }
      const inheritedCodes = new Set(inherited.map((finding) => finding.itemCode!));
      const existing = new Map(repository.forCheck(check.id).filter((finding) => finding.itemCode).map((finding) => [finding.itemCode!, finding]));
      const at = nowIso(now());
      for (const answer of answers) {
        const item = items.find((candidate) => candidate.code === answer.itemCode);
        const current = existing.get(answer.itemCode);
        if (answer.answer === 'violation' && item) {
          if (inheritedCodes.has(answer.itemCode)) continue;
          if (current) {
            if (current.description !== answer.note) repository.update(current.id, current.version, { description: answer.note, updatedAt: at });
            continue;
          }
          insertFinding(actor, {
            checkId: check.id,
            venueId: check.venueId,
            roundId: check.roundId,
            areaId: check.areaId,
            visitDate: check.visitDate,
            itemCode: item.code,
            category: item.category,
            title: item.vi,
            legalBasis: item.basis,
            description: answer.note,
            // Critical or not is the item's own fact in the version the report was filed against.
            severity: item.severity,
            status: 'open',
            closedAt: null,
            referralAgency: null,
            referredBy: null,
            referredOn: null,
            referralReference: '',
            victimDetails: '',
            createdBy: actor.userId,
            createdAt: at,
            updatedAt: at,
          });
        } else if (current && followUps.forFindings([current.id]).length === 0 && !current.referredOn) {
          repository.delete(current.id);
          audit.record(actor, { action: 'delete', recordType: 'finding', recordId: current.id, changes: { title: [current.title, null], reason: [null, 'answer changed'] }, areaIds: [current.areaId] });
        }
      }
    },

    /** Checklist items of a report whose findings have been acted on (a follow-up or a referral): they cannot be answered away. */
    actedOnItems(checkId: number): Set<string> {
      const own = repository.forCheck(checkId).filter((finding) => finding.itemCode);
      const followed = new Set(followUps.forFindings(own.map((finding) => finding.id)).map((followUp) => followUp.findingId));
      return new Set(own.filter((finding) => finding.referredOn || followed.has(finding.id)).map((finding) => finding.itemCode!));
    },

    /** When an amendment is approved, the findings of the report it replaces move to it (follow-ups and referrals with them). */
    moveToAmendment(actor: Actor, originalId: number, amendment: CheckRow): void {
      const at = nowIso(now());
      for (const finding of repository.forCheck(originalId)) {
        repository.update(finding.id, finding.version, { checkId: amendment.id, visitDate: amendment.visitDate, updatedAt: at });
        audit.record(actor, { action: 'update', recordType: 'finding', recordId: finding.id, changes: { check: [originalId, amendment.id] }, areaIds: [finding.areaId] });
      }
    },

    /** On approval of a re-inspection: each open finding confirmed fixed has its follow-ups verified by this report. */
    applyConfirmations(actor: Actor, check: CheckRow): void {
      const at = nowIso(now());
      for (const confirmation of repository.confirmationsOf(check.id)) {
        if (confirmation.fixed !== true) continue;
        const finding = repository.findById(confirmation.findingId, { all: true });
        if (!finding || finding.status !== 'open') continue;
        const linked = followUps.forFindings([finding.id]);
        for (const followUp of linked) {
          if (followUp.status === 'verified') continue;
          followUps.update(followUp.id, followUp.version, { status: 'verified', verifiedAt: at, verifiedBy: actor.userId, verifiedByCheckId: check.id, verificationNote: confirmation.note, updatedAt: at });
          audit.record(actor, { action: 'status', recordType: 'follow_up', recordId: followUp.id, changes: { status: [followUp.status, 'verified'], verifiedByCheck: [null, check.id] }, areaIds: [followUp.areaId] });
        }
        const after = followUps.forFindings([finding.id]);
        // Seen fixed on the spot: with no follow-ups to wait for, the finding is settled (a critical one once referred).
        const settled = after.length === 0 ? finding.severity !== 'critical' || finding.referredOn !== null : canClose(finding, after);
        if (settled) markClosed(actor, finding, finding.version, at, { closedByCheck: [null, check.id] });
      }
    },

    listFindings(actor: Actor, query: FindingListQuery): Page<FindingListRow & { awaitsReferral: boolean }> {
      const filter: FindingListFilter = { scope: actor.scope };
      if (query.status) filter.status = query.status;
      if (query.severity) filter.severity = query.severity;
      if (query.area && query.level === 'commune') filter.areaByDate = catalog.communeLevelFilter(query.area);
      else if (query.area) filter.areaIds = catalog.filterIds(query.area);
      if (query.referral === 'pending') filter.referralPending = true;
      if (query.referral === 'done') filter.referred = true;
      if (query.venue) filter.venueId = query.venue;
      const from = query.from ? parseDateInput(query.from) : null;
      const to = query.to ? parseDateInput(query.to) : null;
      if (from) filter.from = from;
      if (to) filter.to = to;
      if (query.approved) filter.approvedOnly = true;
      if (query.category) filter.category = query.category === 'none' ? '' : query.category;
      if (query.campaign) filter.campaignId = query.campaign;
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const items = repository
        .list(filter, window.pageSize, window.offset)
        .map((row) => ({ ...row, victimDetails: findingsPolicy.seeSensitive(actor) ? row.victimDetails : '', awaitsReferral: findingsPolicy.awaitsReferral(row) }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    countUnreferred(actor: Actor): number {
      return repository.count({ scope: actor.scope, referralPending: true });
    },

    forCheck(actor: Actor, checkId: number): FindingRow[] {
      return repository.forCheck(checkId).map((finding) => visible(actor, finding));
    },

    openForVenue(actor: Actor, venueId: number): FindingRow[] {
      return repository.openForVenue(venueId).filter((finding) => actor.scope.all || actor.scope.areaIds.includes(finding.areaId)).map((finding) => visible(actor, finding));
    },

    getFinding(actor: Actor, id: number): FindingDetail {
      const finding = load(actor, id);
      const linked = followUps.forFindings([id]);
      const names = db.$client
        .prepare('select (select name from venues where id = ?) as venue, (select title from rounds where id = ?) as round, (select name from users where id = ?) as referrer')
        .get(finding.venueId, finding.roundId, finding.referredBy) as { venue: string; round: string | null; referrer: string | null };
      return {
        finding: visible(actor, finding),
        venueName: names.venue,
        roundTitle: names.round ?? '',
        areaName: catalog.byId.get(finding.areaId)?.name ?? '',
        referrerName: names.referrer,
        followUps: linked,
        awaitsReferral: findingsPolicy.awaitsReferral(finding),
        can: {
          changeSeverity: findingsPolicy.canChangeSeverity(actor, finding),
          refer: findingsPolicy.canRefer(actor, finding),
          seeSensitive: findingsPolicy.seeSensitive(actor),
          addFollowUp: findingsPolicy.canAddFollowUp(actor, finding),
          close: findingsPolicy.canClose(actor, finding, linked),
        },
      };
    },

    /** Whether this person may add a finding outside the checklist to this report (for showing the form). */
    canAddFinding(actor: Actor, check: CheckRow): boolean {
      return findingsPolicy.canAddFinding(actor, check);
    },

    /** Refuses (403, saying why) a person who may not add a finding outside the checklist to this report. */
    authorizeFinding(actor: Actor, check: CheckRow): void {
      const refusal = findingsPolicy.addFindingRefusal(actor, check);
      if (refusal) throw new ForbiddenError({ key: refusal });
    },

    /** A finding outside the checklist, added to a submitted or approved report by its inspector or a head. */
    addFinding(actor: Actor, check: CheckRow, input: NewFindingInput): { id: number } {
      this.authorizeFinding(actor, check);
      const at = nowIso(now());
      const id = inTransaction(db, () => {
        // The report's violation count includes what was found outside the checklist.
        db.$client.prepare('update checks set violation_count = violation_count + 1 where id = ?').run(check.id);
        return insertFinding(actor, {
          checkId: check.id,
          venueId: check.venueId,
          roundId: check.roundId,
          areaId: check.areaId,
          visitDate: check.visitDate,
          itemCode: null,
          category: '',
          title: input.title,
          legalBasis: input.legalBasis,
          description: input.description,
          severity: input.severity,
          status: 'open',
          closedAt: null,
          referralAgency: null,
          referredBy: null,
          referredOn: null,
          referralReference: '',
          victimDetails: '',
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
        });
      });
      return { id };
    },

    /** Refuses (409) a referral of a finding that is not critical. */
    checkReferable(actor: Actor, id: number): void {
      if (load(actor, id).severity !== 'critical') throw new StateError({ key: 'findings.notCritical' });
    },

    /** Records the referral of a critical finding (to whom, when, the case reference) and the victim-detail note. */
    refer(actor: Actor, id: number, input: ReferralInput): FormResult<null> {
      const finding = load(actor, id);
      if (finding.severity !== 'critical') throw new StateError({ key: 'findings.notCritical' });
      const { referredOn } = input;
      if (referredOn < finding.visitDate || referredOn > todayInVietnam(now())) return { ok: false, errors: { referredOn: [{ key: 'errors.referral.date' }] } };
      if (input.version !== finding.version) throw new ConflictError();
      inTransaction(db, () => {
        const changes = { referralAgency: input.agency, referredBy: actor.userId, referredOn, referralReference: input.reference, victimDetails: input.victimDetails, updatedAt: nowIso(now()) };
        if (!repository.update(id, finding.version, changes)) throw new ConflictError();
        // The victim-detail note itself is never copied into the audit trail, only that it changed.
        const logged = diff(
          { agency: finding.referralAgency, referredOn: finding.referredOn, reference: finding.referralReference, victimDetails: finding.victimDetails ? '•••' : '' },
          { agency: changes.referralAgency, referredOn, reference: changes.referralReference, victimDetails: changes.victimDetails ? '•••' : '' },
        );
        audit.record(actor, { action: 'update', recordType: 'finding', recordId: id, changes: logged, areaIds: [finding.areaId] });
        // Its follow-ups already verified, the referral was all a critical finding waited for.
        const linked = followUps.forFindings([id]);
        if (finding.status === 'open' && linked.length > 0 && linked.every((followUp) => followUp.status === 'verified')) markClosed(actor, finding, finding.version + 1, changes.updatedAt);
      });
      return { ok: true, value: null };
    },

    /**
     * A head sets a finding's severity (it only defaults from the checklist item); a finding of an item its
     * checklist version marks critical (signs of trafficking, a worker under 18) stays critical.
     */
    changeSeverity(actor: Actor, id: number, severity: Severity | null): void {
      const finding = load(actor, id);
      if (severity === null) throw new StateError({ key: 'errors.finding.severity' });
      if (finding.status !== 'open') throw new StateError({ key: 'findings.closedReadOnly' });
      if (severity !== 'critical' && alwaysCritical(finding)) {
        throw new StateError({ key: 'findings.criticalItem', params: { code: finding.itemCode! } });
      }
      if (severity === finding.severity) return;
      inTransaction(db, () => {
        if (!repository.update(id, finding.version, { severity, updatedAt: nowIso(now()) })) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: 'finding', recordId: id, changes: { severity: [finding.severity, severity] }, areaIds: [finding.areaId] });
      });
    },

    close(actor: Actor, id: number): void {
      const finding = load(actor, id);
      if (!canClose(finding, followUps.forFindings([id]))) throw new StateError({ key: 'findings.cannotClose' });
      inTransaction(db, () => markClosed(actor, finding, finding.version, nowIso(now())));
    },

    /** After a follow-up is verified (in the caller's transaction): the last one settles its finding, as a re-inspection does. */
    closeIfSettled(actor: Actor, finding: FindingRow, at: string): void {
      if (canClose(finding, followUps.forFindings([finding.id]))) markClosed(actor, finding, finding.version, at);
    },

    replaceConfirmations(checkId: number, rows: Array<{ findingId: number; fixed: boolean | null; note: string }>): void {
      repository.replaceConfirmations(checkId, rows);
    },

    confirmationsOf(checkId: number) {
      return repository.confirmationsOf(checkId);
    },
  };
}

export type FindingsService = ReturnType<typeof findingsService>;
