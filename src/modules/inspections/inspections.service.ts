import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppDatabase } from '../../../db/client.js';
import type { CheckAnswer } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import type { Message, MessageKey } from '../../i18n/index.js';
import { formatDate, nowIso, parseDateInput, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, ForbiddenError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { imageSize, MAX_IMAGE_PIXELS } from '../../lib/images.js';
import { makeThumbnail } from '../../lib/thumbnails.js';
import { newStoredName, sniffFileType, storedFilePath, writeStoredFile } from '../../lib/uploads.js';
import { cleanText } from '../../lib/text.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { diff, type Snapshot } from '../audit/index.js';
import { itemApplies, type Checklist, type ChecklistItem } from '../checklists/index.js';
import { roundsRepository } from '../rounds/index.js';
import { formKeysRepository, type KeyedRequest } from '../form-keys/index.js';
import { venuesRepository } from '../venues/index.js';
import { inspectionsPolicy } from './inspections.policy.js';
import { findingsRepository, type FindingRow } from '../findings/index.js';
import { inspectionsRepository, type AttachmentRow, type CheckListFilter, type CheckListRow, type CheckRow } from './inspections.repository.js';
import type { CheckListQuery, ReportFormValues, ReportInput, StartReportInput } from './inspections.schemas.js';
import type { AuditService } from '../audit/index.js';
import type { ChecklistsService } from '../checklists/index.js';
import type { FindingsService, NewFindingInput } from '../findings/index.js';
import { usersRepository } from '../users/index.js';

export const MAX_ATTACHMENTS = 20;

/** The report's own fields compared on a conflict, in the form's order (then the team present and each item). */
const conflictFields = ['visitDate', 'visitTime', 'representativeName', 'representativePosition', 'ownersPresent', 'staffPresent', 'staffCounselled', 'materialsGiven', 'venueComments', 'conclusion'] as const;

/**
 * One field of a report that differs between the saved report and a stale form: `field` is a report field's name,
 * 'teamPresent', or 'item A1' (then `answer`/`typedAnswer` are the item's answers and `saved`/`typed` its notes).
 */
export interface FieldConflict {
  field: string;
  code?: string;
  /** On the server. */
  saved: string;
  answer?: string;
  /** On the phone (as typed). */
  typed: string;
  typedAnswer?: string;
}
const THUMBNAIL_WIDTH = 320;

export interface ReportDetail {
  check: CheckRow;
  venue: NonNullable<ReturnType<ReturnType<typeof venuesRepository>['findById']>>;
  round: NonNullable<ReturnType<ReturnType<typeof roundsRepository>['findById']>>;
  roundTeam: Array<{ fullName: string; agency: string; teamRole: string }>;
  checklist: Checklist;
  /** The items that apply to this venue's kind, in the template's order, with their category. */
  items: ChecklistItem[];
  answers: Record<string, { answer: CheckAnswer | null; note: string }>;
  teamPresent: string[];
  attachments: AttachmentRow[];
  inspectorName: string;
  /** Who approved or returned the report, when it has been reviewed. */
  reviewerName: string | null;
  /** An amendment of this report not yet approved, if one is open. */
  pendingAmendmentId: number | null;
  /** Findings made from this report (after submission). */
  findings: FindingRow[];
  /** For a re-inspection: the earlier open findings it confirms, with the answers given. */
  confirmations: Array<{ finding: FindingRow; fixed: boolean | null; note: string }>;
  /** attach: add evidence (until reviewed); removeAttachment: only while the report can be edited. */
  can: { edit: boolean; review: boolean; amend: boolean; attach: boolean; removeAttachment: boolean; addFinding: boolean };
}

/** A copy of the messages of the fields that did not read, to add the service's own to. */
function copyErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, [...messages]]));
}

/** A draft saved except for the fields that did not read (their errors say which); the report's new version. */
export interface DraftSavedInPart {
  ok: false;
  errors: FieldErrors;
  savedInPart: true;
  version: number;
}

export interface InspectionsServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  dataDir: string;
  audit: AuditService;
  checklists: ChecklistsService;
  findings: FindingsService;
  now?: () => Date;
}

export function inspectionsService({ db, catalog, dataDir, audit, checklists, findings, now = () => new Date() }: InspectionsServiceDeps) {
  const repository = inspectionsRepository(db);
  const rounds = roundsRepository(db);
  const venues = venuesRepository(db);
  const submissions = formKeysRepository(db);
  const findingRows = findingsRepository(db);
  const users = usersRepository(db);
  const uploadDir = path.join(dataDir, 'uploads');

  function removeFiles(files: string[]): void {
    for (const file of files) fs.rmSync(file, { force: true });
  }

  function load(actor: Actor, id: number): CheckRow {
    const check = repository.findById(id, actor.scope);
    if (!check) throw new NotFoundError('check');
    return check;
  }

  function snapshot(check: CheckRow, answers: Record<string, { answer: string | null; note: string }>): Snapshot {
    const result: Snapshot = {
      visitDate: check.visitDate,
      visitTime: check.visitTime,
      teamPresent: (JSON.parse(check.teamPresent) as string[]).join(', '),
      representativeName: check.representativeName,
      representativePosition: check.representativePosition,
      ownersPresent: check.ownersPresent,
      staffPresent: check.staffPresent,
      staffCounselled: check.staffCounselled,
      materialsGiven: check.materialsGiven,
      venueComments: check.venueComments,
      conclusion: check.conclusion,
      status: check.status,
    };
    for (const [code, value] of Object.entries(answers)) result[`item ${code}`] = value.answer ? `${value.answer}${value.note ? `: ${value.note}` : ''}` : null;
    return result;
  }

  function answersMap(checkId: number): Record<string, { answer: CheckAnswer | null; note: string }> {
    return Object.fromEntries(repository.answersOf(checkId).map((row) => [row.itemCode, { answer: row.answer, note: row.note }]));
  }

  function teamUserIds(roundId: number): number[] {
    return rounds
      .teamOf(roundId)
      .map((member) => member.userId)
      .filter((id): id is number => id !== null);
  }

  function loadRound(actor: Actor, roundId: number) {
    const round = rounds.findById(roundId, actor.scope);
    if (!round) throw new NotFoundError('round');
    return round;
  }

  /** A visit falls within its round's dates, and not after today. */
  function checkVisitDate(date: string | null, round: { startDate: string; endDate: string }, errors: FieldErrors): void {
    if (date === null) return;
    if (date < round.startDate || date > round.endDate) {
      addFieldError(errors, 'visitDate', 'errors.check.outsideRound', { from: formatDate(round.startDate), to: formatDate(round.endDate) });
    } else if (date > todayInVietnam(now())) addFieldError(errors, 'visitDate', 'errors.check.futureVisit');
  }

  return {
    /** Can this person file a report in this round (for showing the button; the service checks again). */
    canFileInRound(actor: Actor, roundId: number): boolean {
      const round = rounds.findById(roundId, actor.scope);
      return round !== undefined && inspectionsPolicy.canFileInRound(actor, round, teamUserIds(roundId));
    },

    /** Starts a draft report for one venue; a repeated submission answers with the draft it already made. */
    startReport(actor: Actor, roundId: number, input: StartReportInput, bodyHash = ''): FormResult<{ id: number; replayed: boolean }> {
      const round = loadRound(actor, roundId);
      if (!inspectionsPolicy.canFileInRound(actor, round, teamUserIds(roundId))) throw new ForbiddenError({ key: round.purpose === 'supervision' ? 'checks.notVenueRound' : 'checks.notOnTeam' });
      // The form's key: the same start sent again is answered with the draft it made; sent with other values, refused.
      const keyed: KeyedRequest | null = input.submissionKey ? { key: input.submissionKey, kind: 'report.start', userId: actor.userId, recordId: roundId, bodyHash } : null;
      const earlier = keyed ? submissions.replayOf(keyed) : undefined;
      if (earlier) return { ok: true, value: { id: earlier.id, replayed: true } };

      const errors = copyErrors(input.unreadable);
      const venue = input.venueId === null ? undefined : venues.findById(input.venueId, actor.scope);
      const roundAreas = rounds.areaIdsByRound([roundId]).get(roundId) ?? [];
      const related = new Set(roundAreas.flatMap((id) => catalog.relatedAreas(id)));
      if (!venue) addFieldError(errors, 'venueId', 'errors.check.venueRequired');
      else if (!related.has(venue.areaId)) addFieldError(errors, 'venueId', 'errors.check.venueOutsideRound');
      const { visitDate, visitTime } = input;
      checkVisitDate(visitDate, round, errors);
      if (Object.keys(errors).length > 0 || !venue || !visitDate) return { ok: false, errors };

      const checklist = checklists.latest();
      const made = inTransaction(db, () => {
        const again = keyed ? submissions.replayOf(keyed) : undefined;
        if (again) return { id: again.id, replayed: true };
        const at = nowIso(now());
        const checkId = repository.insert({
          roundId,
          venueId: venue.id,
          areaId: venue.areaId,
          templateId: checklist.id,
          inspectorId: actor.userId!,
          visitDate,
          visitTime,
          status: 'draft',
          teamPresent: '[]',
          representativeName: '',
          representativePosition: '',
          ownersPresent: null,
          staffPresent: null,
          staffCounselled: null,
          materialsGiven: '',
          venueComments: '',
          conclusion: '',
          reviewComment: '',
          violationCount: 0,
          amendsId: null,
          supersededById: null,
          submittedAt: null,
          reviewedAt: null,
          reviewedBy: null,
          createdAt: at,
          updatedAt: at,
        });
        const items = checklist.body.items.filter((item) => itemApplies(item, venue.kind));
        repository.replaceAnswers(checkId, items.map((item) => ({ itemCode: item.code, answer: null, note: '' })));
        // A re-inspection lists the venue's open findings so the inspector confirms each fixed or not.
        if (input.reinspection) {
          findings.replaceConfirmations(checkId, findings.openForVenue(actor, venue.id).map((finding) => ({ findingId: finding.id, fixed: null, note: '' })));
        }
        audit.record(actor, { action: 'create', recordType: 'check', recordId: checkId, changes: { venue: [null, venue.name], visitDate: [null, visitDate], round: [null, round.title] }, areaIds: [venue.areaId] });
        if (keyed) submissions.rememberOutcome(keyed, 'check', { status: 303, location: `/checks/${checkId}`, id: checkId, version: 1 }, at);
        return { id: checkId, replayed: false };
      });
      return { ok: true, value: made };
    },

    /** Refuses (403) a person who may not add a finding outside the checklist to this report. */
    authorizeFinding(actor: Actor, id: number): void {
      findings.authorizeFinding(actor, load(actor, id));
    },

    /** A finding outside the checklist, added to a report the person may see. */
    addFinding(actor: Actor, id: number, input: NewFindingInput): { id: number } {
      return findings.addFinding(actor, load(actor, id), input);
    },

    /** The choices of the report list's filters: rounds the person sees, and the people who file reports. */
    filterChoices(actor: Actor): { inspectors: Array<{ id: number; name: string }>; roundOptions: Array<{ id: number; title: string; startDate: string }> } {
      // People of the reader's area only, as in every other picker.
      const inspectors = users.activeInScope(['admin', 'department_head', 'inspector'], actor.scope).map(({ id, name }) => ({ id, name }));
      return { inspectors, roundOptions: rounds.options(actor.scope, 200) };
    },

    getReport(actor: Actor, id: number): ReportDetail {
      const check = load(actor, id);
      const venue = venues.findById(check.venueId, { all: true })!;
      const round = rounds.findById(check.roundId, { all: true })!;
      const checklist = checklists.get(check.templateId);
      const answers = answersMap(id);
      const items = checklist.body.items.filter((item) => item.code in answers || itemApplies(item, venue.kind));
      const names = db.$client.prepare('select (select name from users where id = ?) as inspector, (select name from users where id = ?) as reviewer').get(check.inspectorId, check.reviewedBy) as {
        inspector: string | null;
        reviewer: string | null;
      };
      const pendingAmendmentId = repository.pendingAmendmentOf(id);
      return {
        pendingAmendmentId,
        check,
        venue,
        round,
        roundTeam: rounds.teamOf(check.roundId),
        checklist,
        items,
        answers,
        teamPresent: JSON.parse(check.teamPresent) as string[],
        attachments: repository.attachmentsOf(id),
        inspectorName: names.inspector ?? '',
        reviewerName: names.reviewer,
        findings: findings.forCheck(actor, id),
        confirmations: findings.confirmationsOf(id).map((row) => ({ finding: findingRows.findById(row.findingId, { all: true })!, fixed: row.fixed, note: row.note })),
        can: {
          edit: inspectionsPolicy.canEdit(actor, check),
          review: inspectionsPolicy.canReview(actor, check),
          amend: inspectionsPolicy.canAmend(actor, check, pendingAmendmentId),
          attach: inspectionsPolicy.canAttach(actor, check),
          removeAttachment: inspectionsPolicy.canEdit(actor, check),
          addFinding: findings.canAddFinding(actor, check),
        },
      };
    },

    formValuesOf(detail: ReportDetail): ReportFormValues {
      const { check } = detail;
      const text = (value: number | null) => (value === null ? '' : String(value));
      return {
        visitDate: formatDate(check.visitDate),
        visitTime: check.visitTime,
        teamPresent: detail.teamPresent,
        representativeName: check.representativeName,
        representativePosition: check.representativePosition,
        ownersPresent: text(check.ownersPresent),
        staffPresent: text(check.staffPresent),
        staffCounselled: text(check.staffCounselled),
        materialsGiven: check.materialsGiven,
        venueComments: check.venueComments,
        conclusion: check.conclusion,
        answers: Object.fromEntries(detail.items.map((item) => [item.code, { answer: detail.answers[item.code]?.answer ?? '', note: detail.answers[item.code]?.note ?? '' }])),
        confirmations: Object.fromEntries(detail.confirmations.map((row) => [String(row.finding.id), { fixed: row.fixed === null ? '' : row.fixed ? 'yes' : 'no', note: row.note }])),
        version: String(check.version),
        confirmSubmit: '',
      };
    },

    /**
     * Saves what was typed. A draft save accepts an incomplete report, and a field that does not read (a date,
     * a number, a text too long) keeps what was stored while everything else is saved, so a draft is never lost
     * to one bad field; submitting also requires every applicable item answered, a note for each violation and
     * consistent numbers, and saves nothing until all is right.
     */
    saveReport(actor: Actor, id: number, input: ReportInput, loaded?: ReportDetail): FormResult<{ submitted: boolean; version: number }> | DraftSavedInPart {
      // The route has usually just loaded the report (to read the form's items): no need to read it twice.
      const detail = loaded && loaded.check.id === id ? loaded : this.getReport(actor, id);
      const { check } = detail;
      if (!inspectionsPolicy.canEdit(actor, check)) throw new ForbiddenError({ key: check.inspectorId === actor.userId ? 'checks.notEditable' : 'checks.notYours' });

      const { intent } = input;
      const errors = copyErrors(input.unreadable);
      const { visitDate, visitTime } = input;
      checkVisitDate(visitDate, detail.round, errors);
      const teamNames = new Set(detail.roundTeam.map((member) => member.fullName));
      const teamPresent = input.teamPresent.filter((name) => teamNames.has(name));

      const answers: Array<{ itemCode: string; answer: CheckAnswer | null; note: string }> = [];
      const actedOn = intent === 'submit' ? findings.actedOnItems(id) : new Set<string>();
      for (const item of detail.items) {
        const { answer, note } = input.answers[item.code] ?? { answer: null, note: '' };
        if (intent === 'submit') {
          if (!answer) addFieldError(errors, `item_${item.code}`, 'errors.check.unanswered', { code: item.code });
          else if (answer === 'violation' && !note) addFieldError(errors, `item_${item.code}`, 'errors.check.violationNote', { code: item.code });
          // A violation already followed up or referred stays a violation; its fix is shown by a re-inspection.
          else if (answer !== 'violation' && actedOn.has(item.code)) addFieldError(errors, `item_${item.code}`, 'errors.check.findingActedOn', { code: item.code });
        }
        answers.push({ itemCode: item.code, answer, note });
      }
      const present = input.staffPresent;
      const owners = input.ownersPresent ?? 0;
      const counselled = input.staffCounselled;
      if (present !== null && counselled !== null && counselled > present + owners) {
        addFieldError(errors, 'staffCounselled', 'errors.check.counselledTooMany', { max: present + owners });
      }
      if (intent === 'submit' && !input.confirmed) addFieldError(errors, 'confirmSubmit', 'errors.check.confirmSubmit');
      if (intent === 'submit') {
        if (present === null && !input.unreadable.staffPresent) addFieldError(errors, 'staffPresent', 'errors.check.numberRequired');
        if (counselled === null && !input.unreadable.staffCounselled) addFieldError(errors, 'staffCounselled', 'errors.check.numberRequired');
        if (!cleanText(input.conclusion)) addFieldError(errors, 'conclusion', 'errors.check.conclusionRequired');
      }
      const confirmations = detail.confirmations.map((row) => {
        const { fixed, note } = input.confirmations[String(row.finding.id)] ?? { fixed: null, note: '' };
        if (intent === 'submit' && fixed === null) addFieldError(errors, `fixed_${row.finding.id}`, 'errors.check.confirmFixed', { title: row.finding.title });
        // The same item answered in this visit's checklist must agree with what is said of the earlier finding.
        const sameItem = row.finding.itemCode ? input.answers[row.finding.itemCode]?.answer : undefined;
        if (intent === 'submit' && fixed === true && sameItem === 'violation') addFieldError(errors, `fixed_${row.finding.id}`, 'errors.check.fixedButViolation', { code: row.finding.itemCode! });
        if (intent === 'submit' && fixed === false && sameItem === 'compliant') addFieldError(errors, `fixed_${row.finding.id}`, 'errors.check.notFixedButCompliant', { code: row.finding.itemCode! });
        return { findingId: row.finding.id, fixed, note };
      });
      const unanswered = answers.filter((answer) => !answer.answer).map((answer) => answer.itemCode);
      if (intent === 'submit' && unanswered.length > 0) addFieldError(errors, '_form', 'errors.check.unansweredSummary', { codes: unanswered.join(', ') });
      const hasErrors = Object.keys(errors).length > 0;
      if (hasErrors && intent === 'submit') return { ok: false, errors };
      if (input.version !== check.version) throw new ConflictError({ key: 'errors.check.stale' });

      // A field with an error keeps what was stored (only a draft save gets here with errors).
      const keep = <T,>(field: string, typed: T, stored: T): T => (errors[field] ? stored : typed);
      for (const answer of answers) if (errors[`item_${answer.itemCode}`]) answer.note = detail.answers[answer.itemCode]?.note ?? '';
      const at = nowIso(now());
      const submitted = intent === 'submit';
      const changes: Partial<CheckRow> = {
        visitDate: keep('visitDate', visitDate, check.visitDate) ?? check.visitDate,
        visitTime: keep('visitTime', visitTime, check.visitTime),
        teamPresent: JSON.stringify(teamPresent),
        representativeName: keep('representativeName', input.representativeName, check.representativeName),
        representativePosition: keep('representativePosition', input.representativePosition, check.representativePosition),
        ownersPresent: keep('ownersPresent', input.ownersPresent, check.ownersPresent),
        staffPresent: keep('staffPresent', present, check.staffPresent),
        staffCounselled: keep('staffCounselled', counselled, check.staffCounselled),
        materialsGiven: keep('materialsGiven', input.materialsGiven, check.materialsGiven),
        venueComments: keep('venueComments', input.venueComments, check.venueComments),
        conclusion: keep('conclusion', input.conclusion, check.conclusion),
        // Violations of the checklist and those found outside it (added after submission).
        violationCount: answers.filter((answer) => answer.answer === 'violation').length + detail.findings.filter((finding) => !finding.itemCode).length,
        updatedAt: at,
        ...(submitted ? { status: 'submitted' as const, submittedAt: at } : {}),
      };
      inTransaction(db, () => {
        const before = snapshot(check, detail.answers);
        if (!repository.update(id, check.version, changes)) throw new ConflictError({ key: 'errors.check.stale' });
        repository.replaceAnswers(id, answers);
        if (confirmations.length > 0) findings.replaceConfirmations(id, confirmations);
        if (submitted) findings.syncFromReport(actor, { ...check, ...changes } as CheckRow, detail.items, answers);
        const after = snapshot(repository.findById(id, { all: true })!, Object.fromEntries(answers.map((answer) => [answer.itemCode, answer])));
        // A save from the conflict page says so in the history, beside the conflict it resolves.
        const action = submitted ? 'status' : input.resolvedConflict ? 'conflictResolved' : 'update';
        audit.record(actor, { action, recordType: 'check', recordId: id, changes: diff(before, after), areaIds: [check.areaId] });
      });
      if (hasErrors) return { ok: false, errors, savedInPart: true, version: check.version + 1 };
      return { ok: true, value: { submitted, version: check.version + 1 } };
    },

    /**
     * For a stale report form: each field where the saved report differs from what this person typed, with both
     * values ("on the server" and "on the phone"); an item's answer and note count as one field.
     */
    conflictDetails(actor: Actor, id: number, typed: ReportFormValues): FieldConflict[] {
      const saved = this.formValuesOf(this.getReport(actor, id));
      const details: FieldConflict[] = [];
      for (const field of conflictFields) if (String(typed[field]).trim() !== String(saved[field]).trim()) details.push({ field, saved: String(saved[field]), typed: String(typed[field]) });
      if ([...typed.teamPresent].sort().join() !== [...saved.teamPresent].sort().join()) details.push({ field: 'teamPresent', saved: saved.teamPresent.join(', '), typed: typed.teamPresent.join(', ') });
      for (const [code, answer] of Object.entries(saved.answers)) {
        const mine = typed.answers[code] ?? { answer: '', note: '' };
        if (mine.answer !== answer.answer || mine.note.trim() !== answer.note.trim()) details.push({ field: `item ${code}`, code, answer: answer.answer, saved: answer.note, typedAnswer: mine.answer, typed: mine.note });
      }
      return details;
    },

    /** A save refused as stale: the fields that differ, written to the report's history (action "conflict"). */
    recordConflict(actor: Actor, id: number, typed: ReportFormValues): FieldConflict[] {
      const details = this.conflictDetails(actor, id, typed);
      const check = load(actor, id);
      const shown = (answer: string | undefined, text: string) => (answer === undefined ? text : answer ? `${answer}${text ? `: ${text}` : ''}` : text || null);
      const changes = Object.fromEntries(details.map((detail) => [detail.field, [shown(detail.answer, detail.saved), shown(detail.typedAnswer, detail.typed)]]));
      inTransaction(db, () => audit.record(actor, { action: 'conflict', recordType: 'check', recordId: id, changes, areaIds: [check.areaId] }));
      return details;
    },

    /** The conflict page's choices: the fields for which the server's saved value is taken over what was typed. */
    withServerValues(detail: ReportDetail, typed: ReportFormValues, fields: string[]): ReportFormValues {
      const saved = this.formValuesOf(detail);
      const values: ReportFormValues = { ...typed, answers: { ...typed.answers } };
      for (const field of fields) {
        if ((conflictFields as readonly string[]).includes(field)) Object.assign(values, { [field]: saved[field as (typeof conflictFields)[number]] });
        else if (field === 'teamPresent') values.teamPresent = [...saved.teamPresent];
        else if (field.startsWith('item ') && saved.answers[field.slice(5)]) values.answers[field.slice(5)] = { ...saved.answers[field.slice(5)]! };
      }
      return values;
    },

    /** A head approves a submitted report, or returns it to its inspector with a comment. */
    review(actor: Actor, id: number, decision: 'approve' | 'return', comment: string, version?: number): FormResult<null> {
      const check = load(actor, id);
      if (!inspectionsPolicy.canReview(actor, check)) throw new StateError({ key: check.status === 'submitted' && check.inspectorId === actor.userId ? 'checks.notOwnReview' : 'checks.notReviewable' });
      if (version !== undefined && version !== check.version) throw new ConflictError({ key: 'errors.check.stale' });
      if (decision === 'return' && !comment.trim()) return { ok: false, errors: { comment: [{ key: 'errors.review.commentRequired' }] } };
      const at = nowIso(now());
      inTransaction(db, () => {
        const status = decision === 'approve' ? ('approved' as const) : ('returned' as const);
        if (!repository.update(id, check.version, { status, reviewComment: comment.trim(), reviewedAt: at, reviewedBy: actor.userId, updatedAt: at })) throw new ConflictError({ key: 'errors.check.stale' });
        if (status === 'approved') findings.applyConfirmations(actor, { ...check, status });
        // An approved amendment replaces the report it corrects, and takes over its findings (with their follow-ups).
        if (status === 'approved' && check.amendsId) {
          const original = repository.findById(check.amendsId, { all: true })!;
          repository.update(original.id, original.version, { supersededById: id, updatedAt: at });
          findings.moveToAmendment(actor, original.id, { ...check, status });
          audit.record(actor, { action: 'update', recordType: 'check', recordId: original.id, changes: { supersededBy: [null, id] }, areaIds: [original.areaId] });
        }
        audit.record(actor, { action: 'status', recordType: 'check', recordId: id, changes: { status: [check.status, status], ...(comment.trim() ? { comment: [null, comment.trim()] } : {}) }, areaIds: [check.areaId] });
      });
      return { ok: true, value: null };
    },

    /** A head corrects an approved report by filing an amendment: a new draft with the same content, linked to it. */
    amend(actor: Actor, id: number): number {
      const detail = this.getReport(actor, id);
      if (!inspectionsPolicy.canAmend(actor, detail.check, detail.pendingAmendmentId)) throw new StateError({ key: 'checks.notAmendable' });
      const { check } = detail;
      return inTransaction(db, () => {
        const at = nowIso(now());
        const { id: _id, version: _version, ...copy } = check;
        const amendmentId = repository.insert({ ...copy, inspectorId: actor.userId!, status: 'draft', amendsId: id, supersededById: null, reviewComment: '', submittedAt: null, reviewedAt: null, reviewedBy: null, createdAt: at, updatedAt: at });
        repository.replaceAnswers(amendmentId, Object.entries(detail.answers).map(([itemCode, answer]) => ({ itemCode, answer: answer.answer, note: answer.note })));
        // The evidence goes with the amendment: the attachment rows point at the same stored files.
        for (const attachment of detail.attachments) {
          const { id: _attachmentId, ...rest } = attachment;
          repository.insertAttachment({ ...rest, checkId: amendmentId });
        }
        audit.record(actor, { action: 'create', recordType: 'check', recordId: amendmentId, changes: { amends: [null, id] }, areaIds: [check.areaId] });
        return amendmentId;
      });
    },

    listReports(actor: Actor, query: CheckListQuery): Page<CheckListRow> & { filter: CheckListFilter } {
      const filter: CheckListFilter = { scope: actor.scope };
      if (query.round) filter.roundId = query.round;
      if (query.area && query.level === 'commune') filter.areaByDate = catalog.communeLevelFilter(query.area);
      else if (query.area) filter.areaIds = catalog.filterIds(query.area);
      if (query.status) filter.status = query.status;
      if (query.inspector) filter.inspectorId = query.inspector;
      const from = query.from ? parseDateInput(query.from) : null;
      const to = query.to ? parseDateInput(query.to) : null;
      if (from) filter.from = from;
      if (to) filter.to = to;
      if (query.violations) filter.hasViolations = query.violations === 'yes';
      if (query.campaign) filter.campaignId = query.campaign;
      if (query.current) filter.currentOnly = true;
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const items = repository.list(filter, window.pageSize, window.offset);
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped, filter };
    },

    /** Reports of one round or one venue (the lists on their pages), newest first. */
    reportsFor(actor: Actor, by: { roundId?: number; venueId?: number; inspectorId?: number }, limit = 200): CheckListRow[] {
      return repository.list({ scope: actor.scope, ...by }, limit, 0);
    },

    /** The venues with a report past draft in a round, among those the person may see. */
    venueIdsReported(actor: Actor, roundId: number): number[] {
      return repository.venueIdsReported(roundId, actor.scope);
    },

    /**
     * Stores a photo or scan after checking what it really is; images get a thumbnail, made off the event loop
     * and only when the header declares no more than MAX_IMAGE_PIXELS.
     */
    async addAttachment(actor: Actor, id: number, file: { filename: string; content: Buffer }): Promise<FormResult<{ id: number }>> {
      const check = load(actor, id);
      if (!inspectionsPolicy.canAttach(actor, check)) throw new ForbiddenError({ key: 'checks.notEditable' });
      const fail = (key: MessageKey, params?: Message['params']): FormResult<{ id: number }> => ({ ok: false, errors: { file: [params ? { key, params } : { key }] } });
      const tooMany = () => fail('errors.attachment.tooMany', { max: MAX_ATTACHMENTS });
      // Counted again when the row is written: this early answer only spares the work on a full report.
      if (repository.countAttachments(id) >= MAX_ATTACHMENTS) return tooMany();
      if (file.content.length === 0) return fail('errors.attachment.empty');
      const type = sniffFileType(file.content);
      if (!type) return fail('errors.attachment.type');
      let thumbnail: Buffer | null = null;
      if (type !== 'application/pdf') {
        const size = imageSize(type, file.content);
        if (!size) return fail('errors.attachment.unreadableImage');
        if (size.width * size.height > MAX_IMAGE_PIXELS) return fail('errors.attachment.imageTooLarge', { width: size.width, height: size.height, max: MAX_IMAGE_PIXELS / 1_000_000 });
        const made = await makeThumbnail(file.content, { width: THUMBNAIL_WIDTH, maxPixels: MAX_IMAGE_PIXELS });
        if (!made.ok) return fail('errors.attachment.unreadableImage');
        thumbnail = made.thumbnail;
      }
      const random = randomBytes(16).toString('hex');
      const storedName = newStoredName(type, random);
      const thumbnailName = thumbnail ? newStoredName('image/jpeg', `${random}-thumb`) : null;
      const originalName = cleanText(path.basename(file.filename)).slice(0, 200) || storedName;
      const sha256 = createHash('sha256').update(file.content).digest('hex');
      const written: string[] = [];
      try {
        written.push(writeStoredFile(uploadDir, storedName, file.content));
        if (thumbnail && thumbnailName) written.push(writeStoredFile(uploadDir, thumbnailName, thumbnail));
        // The limit and the report's state are checked in the transaction that adds the row, so uploads arriving
        // together (or a report submitted while the image was processed) cannot pass them.
        const attachmentId = inTransaction(db, () => {
          const current = repository.findById(id, actor.scope);
          if (!current || !inspectionsPolicy.canAttach(actor, current)) throw new ForbiddenError({ key: 'checks.notEditable' });
          if (repository.countAttachments(id) >= MAX_ATTACHMENTS) return null;
          const newId = repository.insertAttachment({
            checkId: id,
            originalName,
            storedName,
            thumbnailName,
            mimeType: type,
            size: file.content.length,
            sha256,
            uploadedBy: actor.userId!,
            createdAt: nowIso(now()),
          });
          audit.record(actor, { action: 'create', recordType: 'attachment', recordId: newId, changes: { check: [null, id], file: [null, originalName], size: [null, file.content.length] }, areaIds: [check.areaId] });
          return newId;
        });
        if (attachmentId === null) {
          removeFiles(written);
          return tooMany();
        }
        return { ok: true, value: { id: attachmentId } };
      } catch (error) {
        removeFiles(written);
        throw error;
      }
    },

    removeAttachment(actor: Actor, id: number, attachmentId: number): void {
      const check = load(actor, id);
      if (!inspectionsPolicy.canEdit(actor, check)) throw new ForbiddenError({ key: 'checks.notEditable' });
      const attachment = repository.findAttachment(id, attachmentId);
      if (!attachment) throw new NotFoundError('attachment');
      inTransaction(db, () => {
        repository.deleteAttachment(attachmentId);
        audit.record(actor, { action: 'delete', recordType: 'attachment', recordId: attachmentId, changes: { check: [id, null], file: [attachment.originalName, null] }, areaIds: [check.areaId] });
      });
      // An amendment shares its original's files: a file goes only when no report uses it any more. A name that is
      // not one the app gives (a tampered or foreign database) removes the row but never a file.
      if (repository.countFileUses(attachment.storedName) === 0) {
        for (const name of [attachment.storedName, attachment.thumbnailName]) {
          const file = name ? storedFilePath(uploadDir, name) : null;
          if (file) fs.rmSync(file, { force: true });
        }
      }
    },

    /** The file of an attachment, found through the report so the report's scope applies; never outside the uploads folder. */
    attachmentFile(actor: Actor, id: number, attachmentId: number, thumbnail: boolean): { path: string; attachment: AttachmentRow } {
      load(actor, id);
      const attachment = repository.findAttachment(id, attachmentId);
      const name = attachment && (thumbnail ? attachment.thumbnailName : attachment.storedName);
      const file = name ? storedFilePath(uploadDir, name) : null;
      if (!attachment || !file) throw new NotFoundError('attachment');
      return { path: file, attachment };
    },
  };
}

export type InspectionsService = ReturnType<typeof inspectionsService>;
