import { createHash, randomBytes } from 'node:crypto';
import { isOverdue } from '../../lib/overdue.js';
import fs from 'node:fs';
import path from 'node:path';
import type { AppDatabase } from '../../../db/client.js';
import type { FollowUpStatus } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, ForbiddenError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { cleanText } from '../../lib/text.js';
import { newStoredName, sniffFileType, storedFilePath, writeStoredFile } from '../../lib/uploads.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes, scopeOfArea } from '../../access/scope.js';
import { onceFor } from '../form-keys/index.js';
import { findingsPolicy } from './findings.policy.js';
import { findingsRepository, type FindingRow } from './findings.repository.js';
import { usersRepository } from '../users/index.js';
import { followUpsRepository, type FollowUpListFilter, type FollowUpListRow, type FollowUpRow } from './follow-ups.repository.js';
import type { AuditService } from '../audit/index.js';
import type { FindingsService } from './findings.service.js';
import type { FollowUpInput, FollowUpListQuery, VerificationInput } from './follow-ups.schemas.js';

/** Files in the comments of one follow-up, as a report has at most so many attachments. */
export const MAX_COMMENT_FILES = 20;

/** Past its due date (in Vietnam's calendar) and not done: the rule in lib/overdue, shared with recommendations. */
export { isOverdue };


export interface VerificationCandidate {
  id: number;
  visitDate: string;
}

export function followUpsService({
  db,
  catalog,
  dataDir,
  audit,
  findings: findingRules,
  now = () => new Date(),
}: {
  db: AppDatabase;
  catalog: AreaCatalog;
  dataDir: string;
  audit: AuditService;
  findings: FindingsService;
  now?: () => Date;
}) {
  const repository = followUpsRepository(db);
  const findings = findingsRepository(db);
  const users = usersRepository(db);
  const uploadDir = path.join(dataDir, 'uploads');

  function load(actor: Actor, id: number): FollowUpRow {
    const followUp = repository.findById(id, actor.scope);
    if (!followUp) throw new NotFoundError('follow-up');
    return followUp;
  }


  /** Later approved reports on the same venue that answered the finding's checklist item "compliant". */
  function candidates(finding: FindingRow): VerificationCandidate[] {
    if (!finding.itemCode) return [];
    return db.$client
      .prepare(
        `select c.id, c.visit_date as visitDate from checks c join check_answers a on a.check_id = c.id
         where c.venue_id = ? and c.status = 'approved' and c.visit_date > ? and a.item_code = ? and a.answer = 'compliant'
         order by c.visit_date desc limit 20`,
      )
      .all(finding.venueId, finding.visitDate, finding.itemCode) as VerificationCandidate[];
  }

  return {
    isOverdue,

    today(): string {
      return todayInVietnam(now());
    },

    listFollowUps(actor: Actor, query: FollowUpListQuery): Page<FollowUpListRow> & { counts: Record<string, number> } {
      const today = todayInVietnam(now());
      const dueBy = new Date(`${today}T00:00:00Z`);
      dueBy.setUTCDate(dueBy.getUTCDate() + 7);
      const base: FollowUpListFilter = { scope: actor.scope, today };
      if (query.area && query.level === 'commune') base.areaByDate = catalog.communeLevelFilter(query.area);
      else if (query.area) base.areaIds = catalog.filterIds(query.area);
      if (query.agency) base.agency = query.agency;
      if (query.measure) base.measure = query.measure;
      if (query.status) base.status = query.status;
      if (query.open) base.open = true;
      const findingFrom = query.from ? parseDateInput(query.from) : null;
      const findingTo = query.to ? parseDateInput(query.to) : null;
      if (findingFrom) base.findingFrom = findingFrom;
      if (findingTo) base.findingTo = findingTo;
      if (query.approved) base.approvedOnly = true;
      if (query.campaign) base.campaignId = query.campaign;
      const filter: FollowUpListFilter = { ...base };
      if (query.mine && actor.userId !== null) filter.responsibleUserId = actor.userId;
      if (query.overdue) filter.overdue = true;
      if (query.due7) filter.dueBy = dueBy.toISOString().slice(0, 10);
      // How many each quick filter would show, with the other filters as they are.
      const counts = {
        all: repository.count(base),
        mine: actor.userId === null ? 0 : repository.count({ ...base, responsibleUserId: actor.userId }),
        overdue: repository.count({ ...base, overdue: true }),
        due7: repository.count({ ...base, dueBy: dueBy.toISOString().slice(0, 10) }),
      };
      // With at most one quick filter on, the list's own total is one of those counts: not counted twice.
      const quick = (['mine', 'overdue', 'due7'] as const).filter((name) => (name === 'mine' ? filter.responsibleUserId !== undefined : Boolean(query[name])));
      const total = quick.length === 0 ? counts.all : quick.length === 1 ? counts[quick[0]!] : repository.count(filter);
      const window = pageWindow(query.page, total);
      const items = repository.list(filter, window.pageSize, window.offset);
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped, counts };
    },

    overdueByArea(actor: Actor) {
      return repository
        .overdueByArea(actor.scope, todayInVietnam(now()))
        .map((row) => ({ ...row, area: catalog.byId.get(row.areaId) }))
        .sort((a, b) => b.total - a.total);
    },

    countMineDue(actor: Actor): { overdue: number; dueSoon: number } {
      if (actor.userId === null) return { overdue: 0, dueSoon: 0 };
      const today = todayInVietnam(now());
      const dueBy = new Date(`${today}T00:00:00Z`);
      dueBy.setUTCDate(dueBy.getUTCDate() + 7);
      return {
        overdue: repository.count({ scope: actor.scope, today, responsibleUserId: actor.userId, overdue: true }),
        dueSoon: repository.count({ scope: actor.scope, today, responsibleUserId: actor.userId, dueBy: dueBy.toISOString().slice(0, 10) }),
      };
    },

    forFindings(findingIds: number[]): FollowUpRow[] {
      return repository.forFindings(findingIds);
    },

    /** The status changes of these follow-ups, from the audit trail (the one place they are recorded). */
    statusChangesOf(followUpIds: number[]) {
      return audit.statusChanges('follow_up', followUpIds);
    },

    getFollowUp(actor: Actor, id: number) {
      const followUp = load(actor, id);
      const finding = findings.findById(followUp.findingId, { all: true })!;
      const responsible = followUp.responsibleUserId ? users.findById(followUp.responsibleUserId) : undefined;
      return {
        followUp,
        finding: findingsPolicy.seeSensitive(actor) ? finding : { ...finding, victimDetails: '' },
        responsibleName: responsible?.name ?? null,
        overdue: isOverdue(followUp, todayInVietnam(now())),
        comments: repository.commentsOf(id),
        candidates: candidates(finding),
        can: {
          work: findingsPolicy.canWorkFollowUp(actor, followUp),
          nextStatuses: findingsPolicy.nextStatuses(actor, followUp),
          verify: findingsPolicy.canVerifyFollowUp(actor, followUp),
          comment: findingsPolicy.canComment(actor),
        },
      };
    },

    /** Refuses a follow-up on a finding the person cannot see (404) or that is closed (409). */
    checkOpenFinding(actor: Actor, findingId: number): FindingRow {
      const finding = findings.findById(findingId, actor.scope);
      if (!finding) throw new NotFoundError('finding');
      if (finding.status !== 'open') throw new StateError({ key: 'followUps.findingClosed' });
      return finding;
    },

    createFollowUp(actor: Actor, findingId: number, input: FollowUpInput): FormResult<{ id: number }> {
      const finding = this.checkOpenFinding(actor, findingId);
      const errors: FieldErrors = Object.fromEntries(Object.entries(input.unreadable).map(([field, messages]) => [field, [...messages]]));
      const { fineAmount, dueDate, description } = input;
      const kind = input.responsibleKind;
      let responsibleUserId: number | null = null;
      if (kind === 'user') {
        const user = input.responsibleUserId === null ? undefined : users.findById(input.responsibleUserId);
        if (!user || user.disabledAt !== null || user.role === 'auditor') addFieldError(errors, 'responsibleUserId', 'errors.followUp.user');
        else if (!scopeIncludes(scopeOfArea(user.areaId, catalog), finding.areaId)) addFieldError(errors, 'responsibleUserId', 'errors.followUp.userOutOfArea', { name: user.name });
        else responsibleUserId = user.id;
      }
      if (dueDate && dueDate < finding.visitDate) addFieldError(errors, 'dueDate', 'errors.followUp.dueBeforeVisit', { date: formatDate(finding.visitDate) });
      if (Object.keys(errors).length > 0 || !dueDate || !kind) return { ok: false, errors };
      const at = nowIso(now());
      const id = inTransaction(db, () => onceFor(db, input.submissionKey, actor.userId, 'follow_up', () => {
        const newId = repository.insert({
          findingId,
          venueId: finding.venueId,
          areaId: finding.areaId,
          measure: input.measure,
          fineAmount,
          responsibleKind: kind,
          responsibleAgency: input.responsibleAgency,
          responsibleUserId,
          dueDate,
          status: 'open',
          doneAt: null,
          verifiedAt: null,
          verifiedBy: null,
          verifiedByCheckId: null,
          verificationNote: '',
          description,
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
        });
        audit.record(actor, { action: 'create', recordType: 'follow_up', recordId: newId, changes: { finding: [null, findingId], measure: [null, input.measure], dueDate: [null, dueDate], fineAmount: [null, fineAmount] }, areaIds: [finding.areaId] });
        return newId;
      }, at));
      return { ok: true, value: { id } };
    },

    /** A hand-made move; `to` is null for a status that does not exist. */
    changeStatus(actor: Actor, id: number, to: FollowUpStatus | null): void {
      const followUp = load(actor, id);
      if (!findingsPolicy.mayWorkFollowUp(actor, followUp)) throw new ForbiddenError({ key: 'followUps.notYours' });
      if (to === null) throw new StateError({ key: 'errors.unknownStatus' });
      const target = to;
      if (!findingsPolicy.canMoveFollowUp(followUp, target)) throw new StateError({ key: 'errors.followUp.transition', params: { from: `followUpStatus.${followUp.status}`, to: `followUpStatus.${to}` } });
      inTransaction(db, () => {
        const at = nowIso(now());
        if (!repository.update(id, followUp.version, { status: target, doneAt: target === 'done' ? at : null, updatedAt: at })) throw new ConflictError();
        audit.record(actor, { action: 'status', recordType: 'follow_up', recordId: id, changes: { status: [followUp.status, target] }, areaIds: [followUp.areaId] });
      });
    },

    /** Verification needs evidence: a later approved report answering the same item "compliant", or a head's note. */
    verify(actor: Actor, id: number, input: VerificationInput): FormResult<null> {
      const followUp = load(actor, id);
      if (followUp.status === 'verified') throw new StateError({ key: 'followUps.alreadyVerified' });
      const finding = findings.findById(followUp.findingId, { all: true })!;
      const { checkId, note } = input;
      const errors: FieldErrors = {};
      if (checkId !== null && !candidates(finding).some((candidate) => candidate.id === checkId)) addFieldError(errors, 'checkId', 'errors.followUp.notEvidence');
      if (checkId === null && !note) addFieldError(errors, 'note', 'errors.followUp.evidenceRequired');
      // A head's word verifies work reported done; a later inspection is evidence whatever the status was.
      else if (checkId === null && followUp.status !== 'done') addFieldError(errors, 'note', 'errors.followUp.verifyNeedsDone');
      if (note.length > 1000) addFieldError(errors, 'note', 'errors.tooLong', { max: 1000 });
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      inTransaction(db, () => {
        const at = nowIso(now());
        if (!repository.update(id, followUp.version, { status: 'verified', verifiedAt: at, verifiedBy: actor.userId, verifiedByCheckId: checkId, verificationNote: note, updatedAt: at })) throw new ConflictError();
        audit.record(actor, { action: 'status', recordType: 'follow_up', recordId: id, changes: { status: [followUp.status, 'verified'], ...(checkId ? { verifiedByCheck: [null, checkId] } : { note: [null, note] }) }, areaIds: [followUp.areaId] });
        findingRules.closeIfSettled(actor, finding, at);
      });
      return { ok: true, value: null };
    },

    async addComment(actor: Actor, id: number, body: string, file: { filename: string; content: Buffer } | null): Promise<FormResult<{ id: number }>> {
      const followUp = load(actor, id);
      const text = body.trim();
      const errors: FieldErrors = {};
      if (!text) addFieldError(errors, 'body', 'errors.comment.required');
      if (text.length > 2000) addFieldError(errors, 'body', 'errors.tooLong', { max: 2000 });
      const type = file ? sniffFileType(file.content) : null;
      if (file && !type) addFieldError(errors, 'file', 'errors.attachment.type');
      // Counted again when the comment is written: this early answer only spares storing the file.
      else if (file && repository.countCommentFiles(id) >= MAX_COMMENT_FILES) addFieldError(errors, 'file', 'errors.attachment.tooManyOnFollowUp', { max: MAX_COMMENT_FILES });
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const stored = file && type ? newStoredName(type, randomBytes(16).toString('hex')) : null;
      const sha256 = file ? createHash('sha256').update(file.content).digest('hex') : null;
      const written = file && stored ? writeStoredFile(uploadDir, stored, file.content) : null;
      try {
        // The limit is checked in the transaction that adds the comment, so files arriving together cannot pass it.
        const commentId = inTransaction(db, () => {
          if (stored && repository.countCommentFiles(id) >= MAX_COMMENT_FILES) return null;
          const newId = repository.insertComment({
            followUpId: id,
            userId: actor.userId!,
            body: text,
            attachmentName: file ? cleanText(path.basename(file.filename)).slice(0, 200) : null,
            attachmentStoredName: stored,
            attachmentMimeType: type,
            attachmentSha256: sha256,
            createdAt: nowIso(now()),
          });
          audit.record(actor, { action: 'create', recordType: 'comment', recordId: newId, changes: { followUp: [null, id], body: [null, text.slice(0, 200)] }, areaIds: [followUp.areaId] });
          return newId;
        });
        if (commentId === null) {
          if (written) fs.rmSync(written, { force: true });
          return { ok: false, errors: { file: [{ key: 'errors.attachment.tooManyOnFollowUp', params: { max: MAX_COMMENT_FILES } }] } };
        }
        return { ok: true, value: { id: commentId } };
      } catch (error) {
        if (written) fs.rmSync(written, { force: true });
        throw error;
      }
    },

    /** The file of a comment, found through the follow-up so its scope applies; never outside the uploads folder. */
    commentFile(actor: Actor, id: number, commentId: number): { path: string; name: string; mimeType: string } {
      load(actor, id);
      const comment = repository.findComment(id, commentId);
      const file = comment?.attachmentStoredName ? storedFilePath(uploadDir, comment.attachmentStoredName) : null;
      if (!comment || !file) throw new NotFoundError('comment attachment');
      return { path: file, name: comment.attachmentName ?? 'tep', mimeType: comment.attachmentMimeType ?? 'application/octet-stream' };
    },

    comments(id: number) {
      return repository.commentsOf(id);
    },

    /** Accounts a follow-up on a finding in this area can be assigned to: active, not auditors, and able to see the area. */
    assignableUsers(areaId: number) {
      return users.list({ status: 'active' }, 2000, 0).filter((user) => user.role !== 'auditor' && scopeIncludes(scopeOfArea(user.areaId, catalog), areaId));
    },
  };
}

export type FollowUpsService = ReturnType<typeof followUpsService>;
