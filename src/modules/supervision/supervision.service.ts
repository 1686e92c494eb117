import type { AppDatabase } from '../../../db/client.js';
import { isOverdue } from '../../lib/overdue.js';
import type { RecommendationStatus, SupervisionAnswer } from '../../../db/schema/index.js';
import { recommendationStatuses } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { addDays, formatDate, nowIso, parseDateInput, startOfDayInVietnam, todayInVietnam } from '../../lib/dates.js';
import { barChart, type BarChart } from '../../lib/bar-chart.js';
import { ConflictError, ForbiddenError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { cleanText } from '../../lib/text.js';
import type { Language } from '../../i18n/index.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import { SUPERVISION_CHECKLIST, type Checklist, type ChecklistItem, type ChecklistsService } from '../checklists/index.js';
import { roundsRepository } from '../rounds/index.js';
import { areaTrendRepository, type TrendMonth } from './area-trend.repository.js';
import { supervisionPolicy } from './supervision.policy.js';
import { supervisionRepository, type RecommendationFilter, type RecommendationListRow, type RecommendationRow, type SupervisionRecordFilter, type SupervisionRow } from './supervision.repository.js';
import type { RecommendationFormValues, RecommendationListQuery, RecordFormValues, RecordListQuery, RecordInput, StartFormValues } from './supervision.schemas.js';

/** What the result document of a round (built elsewhere) reads of one approved supervision record. */
export interface SupervisionAreaResult {
  areaId: number;
  areaName: string;
  /** e.g. "UBND huyện Sông Mã" */
  authority: string;
  recordId: number;
  visitDate: string; // YYYY-MM-DD
  notMet: { code: string; text: string; note: string }[];
  figures: { code: string; label: string; value: number; unit: string }[];
  strengths: string;
  difficulties: string;
  recommendations: { text: string; addressee: string; dueDate: string; status: string }[];
}

/** Where a pre-filled figure came from: the kind of records and how many of them gave it. */
export interface FigurePrefill {
  source: 'outreach' | 'checks' | 'findings' | 'victims';
  records: number;
  value: number;
}

export interface RecordDetail {
  record: SupervisionRow;
  round: { id: number; title: string; startDate: string; endDate: string; status: string; purpose: string };
  area: AreaRecord;
  roundTeam: Array<{ fullName: string; agency: string; teamRole: string }>;
  checklist: Checklist;
  /** The items that apply to the area's level, in the checklist's order. */
  items: ChecklistItem[];
  answers: Record<string, { answer: SupervisionAnswer | null; note: string; figure: number | null; prefill: FigurePrefill | null }>;
  teamPresent: string[];
  /** This record's recommendations, and (for an amendment) those of the record it corrects, which it takes over. */
  recommendations: RecommendationRow[];
  carriedRecommendations: RecommendationRow[];
  filedByName: string;
  reviewerName: string | null;
  pendingAmendmentId: number | null;
  can: { edit: boolean; review: boolean; amend: boolean };
}

/** The authority of an area as a record names it: its People's Committee. */
export function authorityOf(area: Pick<AreaRecord, 'name'>, lang: Language): string {
  if (lang === 'en') return `People's Committee of ${area.name}`;
  return `UBND ${area.name.charAt(0).toLowerCase()}${area.name.slice(1)}`;
}

/** Whether a supervision item applies to an authority of this level ("commune" items only to communes). */
export function supervisionItemApplies(item: Pick<ChecklistItem, 'applies_to'>, level: string): boolean {
  return item.applies_to === 'all' || item.applies_to === level;
}

/** Open or in progress past its due date (in Vietnam's calendar): the same rule as a follow-up's. */
export const isRecommendationOverdue = isOverdue;

export interface SupervisionServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  audit: AuditService;
  checklists: ChecklistsService;
  now?: () => Date;
}

export type TrendFigure = 'sessions' | 'participants' | 'checks' | 'findingsOpen' | 'followUpsOverdue';

export interface AreaTrend {
  /** The first day of the first month, and today (the last month ends today). */
  from: string;
  today: string;
  charts: Array<{ figure: TrendFigure; chart: BarChart }>;
}

/** The 12 months up to today's, oldest first; the current one ends now (today, at this moment). */
export function trendMonths(today: string, nowMoment: string): TrendMonth[] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const key = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;
  return Array.from({ length: 12 }, (_, index) => {
    const offset = year * 12 + (month - 1) - 11 + index;
    const y = Math.floor(offset / 12);
    const m = (offset % 12) + 1;
    const first = `${key(y, m)}-01`;
    if (index === 11) return { key: key(y, m), first, lastDay: today, endDate: today, endMoment: nowMoment };
    const next = `${key(Math.floor((offset + 1) / 12), ((offset + 1) % 12) + 1)}-01`;
    const lastDay = addDays(next, -1);
    return { key: key(y, m), first, lastDay, endDate: next, endMoment: startOfDayInVietnam(next) };
  });
}

export function supervisionService({ db, catalog, audit, checklists, now = () => new Date() }: SupervisionServiceDeps) {
  const repository = supervisionRepository(db);
  const rounds = roundsRepository(db);
  const trends = areaTrendRepository(db);

  function load(actor: Actor, id: number): SupervisionRow {
    const record = repository.findById(id, actor.scope);
    if (!record) throw new NotFoundError('supervision record');
    return record;
  }

  function loadRound(actor: Actor, roundId: number) {
    const round = rounds.findById(roundId, actor.scope);
    if (!round) throw new NotFoundError('round');
    return round;
  }

  function teamUserIds(roundId: number): number[] {
    return rounds
      .teamOf(roundId)
      .map((member) => member.userId)
      .filter((id): id is number => id !== null);
  }

  function userName(id: number | null): string | null {
    if (id === null) return null;
    return (db.$client.prepare('select name from users where id = ?').get(id) as { name: string } | undefined)?.name ?? null;
  }

  function snapshot(record: SupervisionRow, answers: Record<string, { answer: string | null; note: string; figure: number | null }>): Snapshot {
    const result: Snapshot = {
      visitDate: record.visitDate,
      place: record.place,
      authorityPresent: record.authorityPresent,
      teamPresent: (JSON.parse(record.teamPresent) as string[]).join(', '),
      strengths: record.strengths,
      difficulties: record.difficulties,
      status: record.status,
    };
    for (const [code, value] of Object.entries(answers)) {
      result[`item ${code}`] = value.answer || value.note || value.figure !== null ? `${value.answer ?? ''}${value.figure !== null ? ` [${value.figure}]` : ''}${value.note ? `: ${value.note}` : ''}` : null;
    }
    return result;
  }

  function answersOf(recordId: number): RecordDetail['answers'] {
    return Object.fromEntries(
      repository.answersOf(recordId).map((row) => [
        row.itemCode,
        {
          answer: row.answer,
          note: row.note,
          figure: row.figure,
          prefill: row.prefillSource ? { source: row.prefillSource as FigurePrefill['source'], records: row.prefillRecords ?? 0, value: row.prefillValue ?? 0 } : null,
        },
      ]),
    );
  }

  /** A day of supervision falls within its round's dates, and not after today. */
  function checkVisitDate(date: string | null, round: { startDate: string; endDate: string }, errors: FieldErrors): void {
    if (date === null) return;
    if (date < round.startDate || date > round.endDate) addFieldError(errors, 'visitDate', 'errors.check.outsideRound', { from: formatDate(round.startDate), to: formatDate(round.endDate) });
    else if (date > todayInVietnam(now())) addFieldError(errors, 'visitDate', 'errors.check.futureVisit');
  }

  /**
   * The figures a new record starts with, from what the app holds about the area from 1 January of the year of the
   * supervision to its day (the year to date): in-person sessions and people reached (C1, C2), approved visit
   * reports and critical findings referred (I1, I2), victims returned and supported (V4, V5, only where the
   * area has victim-support records for quarters inside that period).
   */
  function prefills(areaId: number, from: string, to: string): Record<string, FigurePrefill> {
    const areaIds = catalog.filterIds(areaId);
    const outreach = repository.outreachFigures(areaIds, from, to);
    const checks = repository.checkFigures(areaIds, from, to);
    const result: Record<string, FigurePrefill> = {
      C1: { source: 'outreach', records: outreach.sessions, value: outreach.sessions },
      C2: { source: 'outreach', records: outreach.activities, value: outreach.participants },
      I1: { source: 'checks', records: checks.checks, value: checks.checks },
      I2: { source: 'findings', records: checks.critical, value: checks.referred },
    };
    const returned = repository.victimFigures(areaIds, from, to, 'returned');
    if (returned.records > 0) result.V4 = { source: 'victims', records: returned.records, value: returned.total };
    const supported = repository.victimFigures(areaIds, from, to, 'supported');
    if (supported.records > 0) result.V5 = { source: 'victims', records: supported.records, value: supported.total };
    return result;
  }

  function roundTrackable(recordId: number): boolean {
    return db.$client.prepare("select 1 from supervision_records where id = ? and status = 'approved'").get(recordId) !== undefined;
  }

  function loadRecommendation(actor: Actor, id: number): RecommendationRow {
    const row = repository.recommendationById(id, actor.scope);
    if (!row) throw new NotFoundError('recommendation');
    return row;
  }

  const service = {
    isRecommendationOverdue,

    today(): string {
      return todayInVietnam(now());
    },

    canFileInRound(actor: Actor, roundId: number): boolean {
      const round = rounds.findById(roundId, actor.scope);
      return round !== undefined && supervisionPolicy.canFileInRound(actor, round, teamUserIds(roundId));
    },

    /** The round page's supervision section: each area of the round this person sees, with its record if any. */
    forRound(actor: Actor, round: { id: number; status: string; purpose: string; areas: AreaRecord[] }) {
      const records = repository.forRound(round.id, actor.scope);
      const canFile = supervisionPolicy.canFileInRound(actor, round, teamUserIds(round.id));
      const areas = round.areas
        .filter((area) => scopeIncludes(actor.scope, area.id))
        .map((area) => {
          const mine = records.filter((record) => record.areaId === area.id);
          const current = mine.find((record) => record.supersededById === null && record.status === 'approved') ?? mine.find((record) => record.amendsId === null);
          return { area, authority: authorityOf(area, 'vi'), record: current ?? null, records: mine, canStart: canFile && !mine.some((record) => record.amendsId === null) };
        });
      return { canFile, areas };
    },

    /** Starts a draft record for one of the round's areas, against the latest published supervision checklist. */
    startRecord(actor: Actor, roundId: number, values: StartFormValues): FormResult<{ id: number }> {
      const round = loadRound(actor, roundId);
      if (!supervisionPolicy.canFileInRound(actor, round, teamUserIds(roundId))) {
        throw new ForbiddenError({ key: round.purpose === 'venue_check' ? 'supervision.notSupervisionRound' : 'checks.notOnTeam' });
      }
      const errors: FieldErrors = {};
      const areaIds = rounds.areaIdsByRound([roundId]).get(roundId) ?? [];
      const areaId = /^\d{1,9}$/.test(values.areaId) ? Number(values.areaId) : null;
      const area = areaId !== null && areaIds.includes(areaId) && scopeIncludes(actor.scope, areaId) ? catalog.byId.get(areaId) : undefined;
      if (!area) addFieldError(errors, 'areaId', 'errors.supervision.area');
      else if (repository.currentFor(roundId, area.id)) addFieldError(errors, 'areaId', 'errors.supervision.exists', { area: area.name });
      let visitDate: string | null = null;
      if (!values.visitDate.trim()) addFieldError(errors, 'visitDate', 'errors.date.required');
      else if (!(visitDate = parseDateInput(values.visitDate))) addFieldError(errors, 'visitDate', 'errors.date.invalid');
      checkVisitDate(visitDate, round, errors);
      if (Object.keys(errors).length > 0 || !area || !visitDate) return { ok: false, errors };

      const checklist = checklists.latest(SUPERVISION_CHECKLIST);
      const figuresFrom = `${visitDate.slice(0, 4)}-01-01`;
      const prefilled = prefills(area.id, figuresFrom, visitDate);
      const id = inTransaction(db, () => {
        const at = nowIso(now());
        const recordId = repository.insert({
          roundId,
          areaId: area.id,
          templateId: checklist.id,
          filedBy: actor.userId!,
          visitDate,
          place: '',
          authority: authorityOf(area, 'vi'),
          authorityPresent: '',
          teamPresent: '[]',
          figuresFrom,
          figuresTo: visitDate,
          strengths: '',
          difficulties: '',
          status: 'draft',
          reviewComment: '',
          notMetCount: 0,
          amendsId: null,
          supersededById: null,
          submittedAt: null,
          reviewedAt: null,
          reviewedBy: null,
          createdAt: at,
          updatedAt: at,
        });
        const items = checklist.body.items.filter((item) => supervisionItemApplies(item, area.level));
        repository.replaceAnswers(
          recordId,
          items.map((item) => {
            const prefill = item.figure ? prefilled[item.code] : undefined;
            return { itemCode: item.code, answer: null, note: '', figure: prefill ? prefill.value : null, prefillSource: prefill?.source ?? null, prefillRecords: prefill?.records ?? null, prefillValue: prefill?.value ?? null };
          }),
        );
        audit.record(actor, { action: 'create', recordType: 'supervision', recordId, changes: { area: [null, area.name], visitDate: [null, visitDate], round: [null, round.title], checklistVersion: [null, checklist.version] }, areaIds: [area.id] });
        return recordId;
      });
      return { ok: true, value: { id } };
    },

    getRecord(actor: Actor, id: number): RecordDetail {
      const record = load(actor, id);
      const round = rounds.findById(record.roundId, { all: true })!;
      const area = catalog.byId.get(record.areaId)!;
      const checklist = checklists.get(record.templateId);
      const answers = answersOf(id);
      const items = checklist.body.items.filter((item) => item.code in answers);
      const pendingAmendmentId = repository.pendingAmendmentOf(id);
      const own = repository.recommendationsOf([id]);
      return {
        record,
        round: { id: round.id, title: round.title, startDate: round.startDate, endDate: round.endDate, status: round.status, purpose: round.purpose },
        area,
        roundTeam: rounds.teamOf(record.roundId),
        checklist,
        items,
        answers,
        teamPresent: JSON.parse(record.teamPresent) as string[],
        recommendations: own,
        carriedRecommendations: record.amendsId && record.status !== 'approved' ? repository.recommendationsOf([record.amendsId]) : [],
        filedByName: userName(record.filedBy) ?? '',
        reviewerName: userName(record.reviewedBy),
        pendingAmendmentId,
        can: {
          edit: supervisionPolicy.canEdit(actor, record),
          review: supervisionPolicy.canReview(actor, record),
          amend: supervisionPolicy.canAmend(actor, record, pendingAmendmentId),
        },
      };
    },

    formValuesOf(detail: RecordDetail): RecordFormValues {
      const { record } = detail;
      return {
        visitDate: formatDate(record.visitDate),
        place: record.place,
        authorityPresent: record.authorityPresent,
        teamPresent: detail.teamPresent,
        strengths: record.strengths,
        difficulties: record.difficulties,
        version: String(record.version),
        answers: Object.fromEntries(
          detail.items.map((item) => {
            const answer = detail.answers[item.code];
            return [item.code, { answer: answer?.answer ?? '', note: answer?.note ?? '', figure: answer?.figure === null || answer?.figure === undefined ? '' : String(answer.figure) }];
          }),
        ),
      };
    },

    /**
     * Saves what was typed, or submits it: nothing is written while a field does not read; submitting also needs
     * every item answered and a note for each item not met. A form loaded at another version is refused (409).
     */
    saveRecord(actor: Actor, id: number, input: RecordInput, loaded?: RecordDetail): FormResult<{ submitted: boolean; version: number }> {
      const detail = loaded && loaded.record.id === id ? loaded : this.getRecord(actor, id);
      const { record } = detail;
      if (!supervisionPolicy.canEdit(actor, record)) throw new ForbiddenError({ key: record.filedBy === actor.userId ? 'supervision.notEditable' : 'supervision.notYours' });
      const errors: FieldErrors = Object.fromEntries(Object.entries(input.errors).map(([field, messages]) => [field, [...messages]]));
      checkVisitDate(input.visitDate, detail.round, errors);
      const submit = input.intent === 'submit';
      const teamNames = new Set(detail.roundTeam.map((member) => member.fullName));
      const teamPresent = input.teamPresent.filter((name) => teamNames.has(name));
      const answers = detail.items.map((item) => {
        const typed = input.answers[item.code] ?? { answer: null, note: '', figure: null };
        if (submit && !errors[`item_${item.code}`]) {
          if (!typed.answer) addFieldError(errors, `item_${item.code}`, 'errors.supervision.unanswered', { code: item.code });
          else if (typed.answer === 'not_met' && !typed.note) addFieldError(errors, `item_${item.code}`, 'errors.supervision.notMetNote', { code: item.code });
        }
        const stored = detail.answers[item.code];
        return {
          itemCode: item.code,
          answer: typed.answer,
          note: typed.note,
          figure: item.figure ? typed.figure : null,
          prefillSource: stored?.prefill?.source ?? null,
          prefillRecords: stored?.prefill?.records ?? null,
          prefillValue: stored?.prefill?.value ?? null,
        };
      });
      const unanswered = answers.filter((answer) => !answer.answer).map((answer) => answer.itemCode);
      if (submit && unanswered.length > 0) addFieldError(errors, '_form', 'errors.check.unansweredSummary', { codes: unanswered.join(', ') });
      if (Object.keys(errors).length > 0 || !input.visitDate) return { ok: false, errors };
      if (input.version !== record.version) throw new ConflictError({ key: 'errors.supervision.stale' });
      const at = nowIso(now());
      const changes: Partial<SupervisionRow> = {
        visitDate: input.visitDate,
        place: input.place,
        authorityPresent: input.authorityPresent,
        teamPresent: JSON.stringify(teamPresent),
        strengths: input.strengths,
        difficulties: input.difficulties,
        notMetCount: answers.filter((answer) => answer.answer === 'not_met').length,
        updatedAt: at,
        ...(submit ? { status: 'submitted' as const, submittedAt: at } : {}),
      };
      inTransaction(db, () => {
        const before = snapshot(record, detail.answers);
        if (!repository.update(id, record.version, changes)) throw new ConflictError({ key: 'errors.supervision.stale' });
        repository.replaceAnswers(id, answers);
        const after = snapshot(repository.findById(id, { all: true })!, Object.fromEntries(answers.map((answer) => [answer.itemCode, answer])));
        audit.record(actor, { action: submit ? 'status' : 'update', recordType: 'supervision', recordId: id, changes: diff(before, after), areaIds: [record.areaId] });
      });
      return { ok: true, value: { submitted: submit, version: record.version + 1 } };
    },

    /** A head approves a submitted record (its recommendations are then followed up), or returns it with a comment. */
    review(actor: Actor, id: number, decision: 'approve' | 'return', comment: string, version?: number): FormResult<null> {
      const record = load(actor, id);
      if (!supervisionPolicy.canReview(actor, record)) throw new StateError({ key: record.status === 'submitted' && record.filedBy === actor.userId ? 'checks.notOwnReview' : 'supervision.notReviewable' });
      if (version !== undefined && version !== record.version) throw new ConflictError({ key: 'errors.supervision.stale' });
      if (decision === 'return' && !comment.trim()) return { ok: false, errors: { comment: [{ key: 'errors.review.commentRequired' }] } };
      const at = nowIso(now());
      inTransaction(db, () => {
        const status = decision === 'approve' ? ('approved' as const) : ('returned' as const);
        if (!repository.update(id, record.version, { status, reviewComment: comment.trim(), reviewedAt: at, reviewedBy: actor.userId, updatedAt: at })) throw new ConflictError({ key: 'errors.supervision.stale' });
        // An approved amendment replaces the record it corrects and takes over its recommendations with their progress.
        if (status === 'approved' && record.amendsId) {
          const original = repository.findById(record.amendsId, { all: true })!;
          repository.update(original.id, original.version, { supersededById: id, updatedAt: at });
          repository.moveRecommendations(original.id, id);
          audit.record(actor, { action: 'update', recordType: 'supervision', recordId: original.id, changes: { supersededBy: [null, id] }, areaIds: [original.areaId] });
        }
        audit.record(actor, { action: 'status', recordType: 'supervision', recordId: id, changes: { status: [record.status, status], ...(comment.trim() ? { comment: [null, comment.trim()] } : {}) }, areaIds: [record.areaId] });
      });
      return { ok: true, value: null };
    },

    /** A head corrects an approved record by filing an amendment: a new draft with the same content, linked to it. */
    amend(actor: Actor, id: number): number {
      const detail = this.getRecord(actor, id);
      if (!supervisionPolicy.canAmend(actor, detail.record, detail.pendingAmendmentId)) throw new StateError({ key: 'supervision.notAmendable' });
      const { record } = detail;
      return inTransaction(db, () => {
        const at = nowIso(now());
        const { id: _id, version: _version, ...copy } = record;
        const amendmentId = repository.insert({ ...copy, filedBy: actor.userId!, status: 'draft', amendsId: id, supersededById: null, reviewComment: '', submittedAt: null, reviewedAt: null, reviewedBy: null, createdAt: at, updatedAt: at });
        repository.replaceAnswers(
          amendmentId,
          Object.entries(detail.answers).map(([itemCode, answer]) => ({ itemCode, answer: answer.answer, note: answer.note, figure: answer.figure, prefillSource: answer.prefill?.source ?? null, prefillRecords: answer.prefill?.records ?? null, prefillValue: answer.prefill?.value ?? null })),
        );
        audit.record(actor, { action: 'create', recordType: 'supervision', recordId: amendmentId, changes: { amends: [null, id] }, areaIds: [record.areaId] });
        return amendmentId;
      });
    },

    /** A recommendation added to a record its filer may still edit: text, addressee (an agency as typed, or an area), due date. */
    addRecommendation(actor: Actor, id: number, values: RecommendationFormValues): FormResult<{ id: number }> {
      const record = load(actor, id);
      if (!supervisionPolicy.canEdit(actor, record)) throw new ForbiddenError({ key: 'supervision.notEditable' });
      const errors: FieldErrors = {};
      const body = cleanText(values.body);
      if (!body) addFieldError(errors, 'body', 'errors.recommendation.body');
      else if (body.length > 2000) addFieldError(errors, 'body', 'errors.tooLong', { max: 2000 });
      const addressee = cleanText(values.addressee);
      if (addressee.length > 200) addFieldError(errors, 'addressee', 'errors.tooLong', { max: 200 });
      let addresseeAreaId: number | null = null;
      if (values.addresseeAreaId.trim()) {
        const areaId = Number(values.addresseeAreaId);
        if (!catalog.byId.has(areaId) || !catalog.isOffered(areaId)) addFieldError(errors, 'addresseeAreaId', 'errors.recommendation.area');
        else addresseeAreaId = areaId;
      }
      if (!addressee && addresseeAreaId === null) addFieldError(errors, 'addressee', 'errors.recommendation.addressee');
      const dueDate = parseDateInput(values.dueDate);
      if (!values.dueDate.trim()) addFieldError(errors, 'dueDate', 'errors.date.required');
      else if (!dueDate) addFieldError(errors, 'dueDate', 'errors.date.invalid');
      else if (dueDate < record.visitDate) addFieldError(errors, 'dueDate', 'errors.recommendation.dueBeforeVisit', { date: formatDate(record.visitDate) });
      if (Object.keys(errors).length > 0 || !dueDate) return { ok: false, errors };
      const newId = inTransaction(db, () => {
        const at = nowIso(now());
        const recommendationId = repository.insertRecommendation({
          recordId: id,
          roundId: record.roundId,
          areaId: record.areaId,
          body,
          addressee,
          addresseeAreaId,
          dueDate,
          status: 'open',
          doneAt: null,
          verifiedAt: null,
          verifiedBy: null,
          verificationNote: '',
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
        });
        audit.record(actor, { action: 'create', recordType: 'recommendation', recordId: recommendationId, changes: { record: [null, id], body: [null, body.slice(0, 200)], dueDate: [null, dueDate] }, areaIds: [record.areaId] });
        return recommendationId;
      });
      return { ok: true, value: { id: newId } };
    },

    removeRecommendation(actor: Actor, id: number, recommendationId: number): void {
      const record = load(actor, id);
      if (!supervisionPolicy.canEdit(actor, record)) throw new ForbiddenError({ key: 'supervision.notEditable' });
      const recommendation = repository.recommendationById(recommendationId, actor.scope);
      if (!recommendation || recommendation.recordId !== id) throw new NotFoundError('recommendation');
      inTransaction(db, () => {
        repository.deleteRecommendation(recommendationId);
        audit.record(actor, { action: 'delete', recordType: 'recommendation', recordId: recommendationId, changes: { record: [id, null], body: [recommendation.body.slice(0, 200), null] }, areaIds: [record.areaId] });
      });
    },

    /** The approved records of a round (not replaced by an amendment), for its result document. */
    resultForRound(roundId: number, locale: Language): SupervisionAreaResult[] {
      return repository.approvedOfRound(roundId).map((record) => {
        const area = catalog.byId.get(record.areaId)!;
        const checklist = checklists.get(record.templateId);
        const answers = answersOf(record.id);
        const items = checklist.body.items.filter((item) => item.code in answers);
        const text = (item: ChecklistItem) => (locale === 'en' ? item.en || item.vi : item.vi);
        return {
          areaId: area.id,
          areaName: area.name,
          authority: locale === 'vi' ? record.authority : authorityOf(area, locale),
          recordId: record.id,
          visitDate: record.visitDate,
          notMet: items.filter((item) => answers[item.code]?.answer === 'not_met').map((item) => ({ code: item.code, text: text(item), note: answers[item.code]!.note })),
          figures: items
            .filter((item) => item.figure && answers[item.code]?.figure !== null && answers[item.code]?.figure !== undefined)
            .map((item) => ({ code: item.code, label: locale === 'en' ? item.figure!.en || item.figure!.vi : item.figure!.vi, value: answers[item.code]!.figure!, unit: item.figure!.unit })),
          strengths: record.strengths,
          difficulties: record.difficulties,
          recommendations: repository.recommendationsOf([record.id]).map((row) => ({
            text: row.body,
            addressee: [row.addressee, row.addresseeAreaId ? (catalog.byId.get(row.addresseeAreaId)?.name ?? '') : ''].filter(Boolean).join(' — '),
            dueDate: row.dueDate,
            status: row.status,
          })),
        };
      });
    },

    /** The records about an area (and what a filter by it covers), newest first. */
    recordsForArea(actor: Actor, areaId: number, limit = 50) {
      return repository.forAreas(catalog.filterIds(areaId), actor.scope, limit);
    },

    /** The records this person sees, filtered by round, area (and what it covers) and status, newest first. */
    listRecords(actor: Actor, query: RecordListQuery): Page<SupervisionRow> {
      const filter: SupervisionRecordFilter = { scope: actor.scope };
      if (query.round) filter.roundId = query.round;
      if (query.area) filter.areaIds = catalog.filterIds(query.area);
      if (query.status) filter.status = query.status;
      const total = repository.countRecords(filter);
      const window = pageWindow(query.page, total);
      return { items: repository.listRecords(filter, window.pageSize, window.offset), total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /**
     * An area's main figures over the last 12 months up to today (in Vietnam), as one bar chart each: the areas
     * given are the area and the units under it, the scope limits them again.
     */
    areaTrend(actor: Actor, areaIds: number[]): AreaTrend {
      const moment = now();
      const today = todayInVietnam(moment);
      const months = trendMonths(today, nowIso(moment));
      const from = months[0]!.first;
      const outreach = new Map(trends.outreach(areaIds, actor.scope, from, today).map((row) => [row.month, row]));
      const series = (values: Map<string, number>) => barChart(months.map((month) => ({ key: month.key, label: `T${Number(month.key.slice(5))}`, value: Number(values.get(month.key) ?? 0) })));
      const byMonth = (rows: Array<{ month: string; value: number }>) => new Map(rows.map((row) => [row.month, row.value]));
      return {
        from,
        today,
        charts: [
          { figure: 'sessions', chart: series(new Map([...outreach].map(([key, row]) => [key, row.sessions]))) },
          { figure: 'participants', chart: series(new Map([...outreach].map(([key, row]) => [key, row.participants]))) },
          { figure: 'checks', chart: series(byMonth(trends.checks(areaIds, actor.scope, from, today))) },
          { figure: 'findingsOpen', chart: series(byMonth(trends.findingsOpen(areaIds, actor.scope, months))) },
          { figure: 'followUpsOverdue', chart: series(byMonth(trends.followUpsOverdue(areaIds, actor.scope, months))) },
        ],
      };
    },

    // ——— recommendations ———

    listRecommendations(actor: Actor, query: RecommendationListQuery, extra: Partial<RecommendationFilter> = {}): Page<RecommendationListRow> & { today: string } {
      const today = todayInVietnam(now());
      const filter: RecommendationFilter = { scope: actor.scope, today, ...extra };
      if (query.status) filter.status = query.status;
      if (query.overdue) filter.overdue = true;
      if (query.area) filter.areaIds = catalog.filterIds(query.area);
      const total = repository.countRecommendations(filter);
      const window = pageWindow(query.page, total);
      const items = repository.listRecommendations(filter, window.pageSize, window.offset);
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped, today };
    },

    /**
     * The recommendations a person's home page lists: for heads and admins those open in their area, for anyone
     * else those of rounds whose team they are on; overdue ones first.
     */
    homeRecommendations(actor: Actor): { items: RecommendationListRow[]; open: number; overdue: number; teamOnly: boolean; today: string } | null {
      if (!can(actor.role, 'supervision.read') || actor.userId === null) return null;
      const teamOnly = !can(actor.role, 'recommendations.manage');
      if (teamOnly && !can(actor.role, 'recommendations.progress')) return null;
      const today = todayInVietnam(now());
      const base: RecommendationFilter = { scope: actor.scope, today, open: true, ...(teamOnly ? { teamUserId: actor.userId } : {}) };
      const open = repository.countRecommendations(base);
      if (open === 0) return { items: [], open: 0, overdue: 0, teamOnly, today };
      return { items: repository.listRecommendations(base, 5, 0), open, overdue: repository.countRecommendations({ ...base, overdue: true }), teamOnly, today };
    },

    getRecommendation(actor: Actor, id: number) {
      const recommendation = loadRecommendation(actor, id);
      const record = repository.findById(recommendation.recordId, { all: true })!;
      const round = rounds.findById(recommendation.roundId, { all: true })!;
      const team = teamUserIds(recommendation.roundId);
      const trackable = roundTrackable(recommendation.recordId);
      const today = todayInVietnam(now());
      return {
        recommendation,
        record,
        round,
        area: catalog.byId.get(recommendation.areaId)!,
        addresseeArea: recommendation.addresseeAreaId ? (catalog.byId.get(recommendation.addresseeAreaId) ?? null) : null,
        trackable,
        overdue: isRecommendationOverdue(recommendation, today),
        verifierName: userName(recommendation.verifiedBy),
        comments: repository.commentsOf(id),
        history: audit.statusChanges('recommendation', [id]),
        can: {
          nextStatuses: supervisionPolicy.nextStatuses(actor, recommendation, team, trackable),
          verify: supervisionPolicy.canVerify(actor, recommendation, trackable),
          comment: trackable && supervisionPolicy.mayWorkRecommendation(actor, team),
        },
      };
    },

    /** A hand-made move (open ↔ in progress → done, or back); `to` as asked, refused when it is not a move. */
    changeRecommendationStatus(actor: Actor, id: number, to: string, version?: number): void {
      const recommendation = loadRecommendation(actor, id);
      if (!supervisionPolicy.mayWorkRecommendation(actor, teamUserIds(recommendation.roundId))) throw new ForbiddenError({ key: 'recommendations.notYours' });
      if (!roundTrackable(recommendation.recordId)) throw new StateError({ key: 'recommendations.notTrackable' });
      if (!(recommendationStatuses as readonly string[]).includes(to)) throw new StateError({ key: 'errors.unknownStatus' });
      const target = to as RecommendationStatus;
      if (!supervisionPolicy.canMove(recommendation, target)) {
        throw new StateError({ key: 'errors.recommendation.transition', params: { from: `recommendationStatus.${recommendation.status}`, to: `recommendationStatus.${target}` } });
      }
      if (version !== undefined && version !== recommendation.version) throw new ConflictError();
      inTransaction(db, () => {
        const at = nowIso(now());
        if (!repository.updateRecommendation(id, recommendation.version, { status: target, doneAt: target === 'done' ? at : null, updatedAt: at })) throw new ConflictError();
        audit.record(actor, { action: 'status', recordType: 'recommendation', recordId: id, changes: { status: [recommendation.status, target] }, areaIds: [recommendation.areaId] });
      });
    },

    /** A head verifies a recommendation reported done, with a note saying what was seen. */
    verifyRecommendation(actor: Actor, id: number, note: string, version?: number): FormResult<null> {
      const recommendation = loadRecommendation(actor, id);
      if (!supervisionPolicy.canVerify(actor, recommendation, roundTrackable(recommendation.recordId))) throw new StateError({ key: 'recommendations.notVerifiable' });
      const text = cleanText(note);
      const errors: FieldErrors = {};
      if (!text) addFieldError(errors, 'note', 'errors.recommendation.verifyNote');
      else if (text.length > 1000) addFieldError(errors, 'note', 'errors.tooLong', { max: 1000 });
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      if (version !== undefined && version !== recommendation.version) throw new ConflictError();
      inTransaction(db, () => {
        const at = nowIso(now());
        if (!repository.updateRecommendation(id, recommendation.version, { status: 'verified', verifiedAt: at, verifiedBy: actor.userId, verificationNote: text, updatedAt: at })) throw new ConflictError();
        audit.record(actor, { action: 'status', recordType: 'recommendation', recordId: id, changes: { status: [recommendation.status, 'verified'], note: [null, text] }, areaIds: [recommendation.areaId] });
      });
      return { ok: true, value: null };
    },

    addRecommendationComment(actor: Actor, id: number, body: string): FormResult<{ id: number }> {
      const recommendation = loadRecommendation(actor, id);
      if (!supervisionPolicy.mayWorkRecommendation(actor, teamUserIds(recommendation.roundId))) throw new ForbiddenError({ key: 'recommendations.notYours' });
      const text = body.trim();
      const errors: FieldErrors = {};
      if (!text) addFieldError(errors, 'body', 'errors.comment.required');
      if (text.length > 2000) addFieldError(errors, 'body', 'errors.tooLong', { max: 2000 });
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const commentId = inTransaction(db, () => {
        const newId = repository.insertComment({ recommendationId: id, userId: actor.userId!, body: text, createdAt: nowIso(now()) });
        audit.record(actor, { action: 'create', recordType: 'comment', recordId: newId, changes: { recommendation: [null, id], body: [null, text.slice(0, 200)] }, areaIds: [recommendation.areaId] });
        return newId;
      });
      return { ok: true, value: { id: commentId } };
    },
  };
  return service;
}

export type SupervisionService = ReturnType<typeof supervisionService>;
