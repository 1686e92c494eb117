import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, ForbiddenError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import type { Actor } from '../../access/actor.js';
import { scopeOfArea, type AreaScope } from '../../access/scope.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import type { AuditService } from '../audit/index.js';
import { summaryFigureLink, type Summary, type SummaryService } from '../summaries/index.js';
import { areasAtLevel, childAreas, dueDateOf, levelOf, levelsOf, parentArea, reformSide, reportsIn, type ReportLevel } from './periodic-reports.levels.js';
import { periodicReportsPolicy, type ReportAbilities } from './periodic-reports.policy.js';
import { periodicReportsRepository, type Narrative, type PeriodicReportRow, type RecordChange, type ReportingPeriodRow, type ReportStepRow } from './periodic-reports.repository.js';
import type { NarrativeInput, PeriodInput } from './periodic-reports.schemas.js';
import { figureDifferences, type FigureDifference, type ReportSection, type ReportSnapshot, type Rollup } from './periodic-reports.snapshot.js';
import { sectionProviders, type SectionContext } from './sections/index.js';

const REPORT = 'periodic_report';
const PERIOD = 'reporting_period';

/** A report as its page shows it. */
export interface ReportView {
  report: PeriodicReportRow;
  period: ReportingPeriodRow;
  area: AreaRecord;
  parent: AreaRecord | null;
  /** The frozen snapshot (submitted or accepted), or null for a draft. */
  snapshot: ReportSnapshot | null;
  /** The sections: frozen ones from the snapshot; a draft's computed now. */
  sections: ReportSection[];
  rollup: Rollup | null;
  editions: PeriodicReportRow[];
  steps: Array<ReportStepRow>;
  /** For a frozen report: the records changed since (from the audit trail) and the figures that differ now. */
  changes: { since: string; records: RecordChange[]; recordCount: number; differences: FigureDifference[] } | null;
  can: ReportAbilities;
  names: Map<number, string>;
}

/** A report due from an area, for the home page: due, overdue or returned. */
export interface DueReport {
  period: ReportingPeriodRow;
  area: AreaRecord;
  due: string;
  state: 'due' | 'overdue' | 'returned';
  reportId: number | null;
}

const narrativeOf = (row: Narrative): Narrative => ({ assessment: row.assessment, difficulties: row.difficulties, proposals: row.proposals, nextTasks: row.nextTasks });

export function periodicReportsService({ db, catalog, audit, summaries, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; summaries: SummaryService; now?: () => Date }) {
  const repository = periodicReportsRepository(db);
  const policy = periodicReportsPolicy(catalog);

  function areaOf(areaId: number): AreaRecord {
    const area = catalog.byId.get(areaId);
    if (!area) throw new NotFoundError('area');
    return area;
  }

  function scopeOf(area: AreaRecord): AreaScope {
    return scopeOfArea(area.id === catalog.province.id ? null : area.id, catalog);
  }

  function loadPeriod(id: number): ReportingPeriodRow {
    const period = repository.findPeriod(id);
    if (!period) throw new NotFoundError('reporting period');
    return period;
  }

  /** A report the person may read (404 otherwise, so ids do not leak). */
  function loadReport(actor: Actor, id: number): PeriodicReportRow {
    const report = repository.findReport(id);
    if (!report || !policy.mayRead(actor, report.areaId)) throw new NotFoundError('periodic report');
    return report;
  }

  /**
   * Every section of an area's report for a period, computed from the records now. The figures come from the
   * district summary of the same area, period (and campaign), so the report and the summary agree.
   */
  function computeSections(period: ReportingPeriodRow, area: AreaRecord): ReportSection[] {
    const scope = scopeOf(area);
    const query = { from: period.periodStart, to: period.periodEnd, level: area.level === 'commune' ? ('commune' as const) : ('district' as const), ...(period.campaignId ? { campaign: period.campaignId } : {}) };
    // The summary as a person limited to this area sees it (the whole province for the province's report).
    const viewer: Actor = { userId: null, name: 'periodic-report', role: 'admin', areaId: area.id === catalog.province.id ? null : area.id, scope, ip: '' };
    let summary: Summary | undefined;
    const link = summaryFigureLink({ from: period.periodStart, to: period.periodEnd, campaignId: period.campaignId });
    const linkAreaId = area.id === catalog.province.id ? null : area.id;
    const context: SectionContext = {
      area,
      linkAreaId,
      scope,
      period: { from: period.periodStart, to: period.periodEnd, campaignId: period.campaignId },
      summary: () => (summary ??= summaries.summarise(viewer, query)),
      summaryLink: (figure, category) => link(figure, linkAreaId === null ? null : { area: { id: linkAreaId } }, category),
      records: { campaignsInEffect: () => repository.campaignsInEffect(period.periodStart, period.periodEnd, scope, period.campaignId) },
    };
    return sectionProviders.map((provider) => ({ key: provider.key, title: provider.title, ...provider.build(context) }));
  }

  function parseSnapshot(report: PeriodicReportRow): ReportSnapshot | null {
    return report.snapshot ? (JSON.parse(report.snapshot) as ReportSnapshot) : null;
  }

  /** The latest accepted edition of each child area's report, the children without one, and the figures summed. */
  function computeRollup(period: ReportingPeriodRow, area: AreaRecord): Rollup | null {
    const children = childAreas(catalog, period, area);
    if (children.length === 0) return null;
    const reports = repository.reportsOf(period.id, children.map((child) => child.id));
    const byArea = new Map<number, PeriodicReportRow[]>();
    for (const report of reports) {
      if (!byArea.has(report.areaId)) byArea.set(report.areaId, []);
      byArea.get(report.areaId)!.push(report);
    }
    const rollup: Rollup = { reports: [], missing: [], totals: [] };
    const totals = new Map<string, Rollup['totals'][number]>();
    for (const child of children) {
      const editions = byArea.get(child.id) ?? [];
      const accepted = editions.filter((report) => report.status === 'accepted').at(-1);
      const snapshot = accepted ? parseSnapshot(accepted) : null;
      if (!accepted || !snapshot) {
        const latest = editions.at(-1);
        rollup.missing.push({ areaId: child.id, areaName: child.name, status: latest ? (latest.status === 'accepted' ? 'submitted' : latest.status) : 'none' });
        continue;
      }
      const figures: Record<string, number> = {};
      for (const section of snapshot.sections) {
        for (const figure of section.figures) {
          figures[figure.key] = figure.value;
          if (!totals.has(figure.key)) totals.set(figure.key, { key: figure.key, label: figure.label, ...(figure.labelText ? { labelText: figure.labelText } : {}), value: 0, unit: figure.unit, ...(figure.victim ? { victim: true } : {}), cells: [] });
          const total = totals.get(figure.key)!;
          total.value += figure.value;
          total.cells.push(figure.value);
        }
      }
      rollup.reports.push({ areaId: child.id, areaName: child.name, reportId: accepted.id, edition: accepted.edition, figures, narrative: snapshot.narrative });
    }
    rollup.totals = [...totals.values()];
    return rollup;
  }

  function changesOf(report: PeriodicReportRow, period: ReportingPeriodRow, area: AreaRecord, snapshot: ReportSnapshot): ReportView['changes'] {
    // Audit ids order the changes exactly (two writes can share a moment): what came after the report's last step.
    const signed = repository.lastStatusEntry(report.id);
    const since = signed?.at ?? snapshot.frozenAt;
    const records = repository.changesSince(signed?.id ?? 0, scopeOf(area), period.periodStart, period.periodEnd);
    const differences = figureDifferences(snapshot.sections, computeSections(period, area));
    const recordCount = new Set(records.map((change) => `${change.recordType}:${change.recordId}`)).size;
    return { since, records, recordCount, differences };
  }

  /** Everything the report says as of `at`: what submitting freezes, and what a draft's document shows. */
  function snapshotNow(report: PeriodicReportRow, period: ReportingPeriodRow, area: AreaRecord, narrative: Narrative, submittedBy: string, at: string): ReportSnapshot {
    return {
      format: 1,
      frozenAt: at,
      edition: report.edition,
      area: { id: area.id, name: area.name, level: levelOf(catalog, area) },
      period: {
        id: period.id,
        kind: period.kind,
        title: period.title,
        from: period.periodStart,
        to: period.periodEnd,
        campaignId: period.campaignId,
        campaignTitle: period.campaignId ? (repository.campaignTitle(period.campaignId) ?? null) : null,
        reform: reformSide(period),
      },
      sections: computeSections(period, area),
      rollup: computeRollup(period, area),
      narrative,
      submittedBy,
    };
  }

  function step(actor: Actor, reportId: number, action: ReportStepRow['action'], comment: string, at: string) {
    repository.addStep({ reportId, action, comment, userId: actor.userId, actorName: actor.name, at });
  }

  function requireEditable(actor: Actor, id: number): { report: PeriodicReportRow; area: AreaRecord; period: ReportingPeriodRow } {
    const report = loadReport(actor, id);
    const area = areaOf(report.areaId);
    const abilities = policy.abilities(actor, report, area);
    if (!policy.isHeadOf(actor, area)) throw new ForbiddenError({ key: 'periodic.notYourArea' });
    if (!abilities.edit) throw new StateError({ key: 'periodic.notEditable' });
    return { report, area, period: loadPeriod(report.periodId) };
  }

  return {
    policy,

    // ——— the schedule ———
    listPeriods(): ReportingPeriodRow[] {
      return repository.listPeriods();
    },

    getPeriod(id: number): ReportingPeriodRow {
      return loadPeriod(id);
    },

    campaignOptions() {
      return repository.campaignOptions();
    },

    /** The levels and areas that report in a period, with the due date of each level. */
    levelsOf(period: ReportingPeriodRow): Array<{ level: ReportLevel; due: string | null }> {
      return levelsOf(period).map((level) => ({ level, due: dueDateOf(period, level) }));
    },

    reformSide,

    createPeriod(actor: Actor, input: PeriodInput): FormResult<{ id: number }> {
      if (input.campaignId !== null && repository.campaignTitle(input.campaignId) === undefined) {
        const errors: FieldErrors = {};
        addFieldError(errors, 'campaignId', 'errors.periodic.campaign');
        return { ok: false, errors };
      }
      const at = nowIso(now());
      const id = inTransaction(db, () => {
        const row = repository.insertPeriod(input, at);
        audit.record(actor, { action: 'create', recordType: PERIOD, recordId: row.id, changes: Object.fromEntries(Object.entries(input).map(([key, value]) => [key, [null, value]])) });
        return row.id;
      });
      return { ok: true, value: { id } };
    },

    updatePeriod(actor: Actor, id: number, input: PeriodInput, expectedVersion: number): FormResult<{ id: number }> {
      const before = loadPeriod(id);
      if (input.campaignId !== null && repository.campaignTitle(input.campaignId) === undefined) {
        const errors: FieldErrors = {};
        addFieldError(errors, 'campaignId', 'errors.periodic.campaign');
        return { ok: false, errors };
      }
      if (before.version !== expectedVersion) throw new ConflictError({ key: 'errors.periodic.stalePeriod' });
      inTransaction(db, () => {
        if (!repository.updatePeriod(id, expectedVersion, input, nowIso(now()))) throw new ConflictError({ key: 'errors.periodic.stalePeriod' });
        const changes = Object.fromEntries(Object.entries(input).filter(([key, value]) => before[key as keyof PeriodInput] !== value).map(([key, value]) => [key, [before[key as keyof PeriodInput], value]]));
        audit.record(actor, { action: 'update', recordType: PERIOD, recordId: id, changes });
      });
      return { ok: true, value: { id } };
    },

    campaignTitle(id: number | null): string | null {
      return id === null ? null : (repository.campaignTitle(id) ?? null);
    },

    // ——— reports ———
    /** The areas a person may build a report for in a period (their own area, if it reports in it; every one for an admin). */
    buildableAreas(actor: Actor, period: ReportingPeriodRow): AreaRecord[] {
      return levelsOf(period)
        .flatMap((level) => areasAtLevel(catalog, period, level))
        .filter((area) => policy.mayBuild(actor, area));
    },

    /**
     * "Lập báo cáo": the area's draft for the period, made now if it has none. An area with a report already
     * gets that one (the latest edition), so pressing twice makes one draft.
     */
    build(actor: Actor, periodId: number, areaId: number): FormResult<{ id: number }> {
      const period = repository.findPeriod(periodId);
      const area = catalog.byId.get(areaId);
      const errors: FieldErrors = {};
      if (!period) addFieldError(errors, 'periodId', 'errors.periodic.period');
      if (!area) addFieldError(errors, 'areaId', 'errors.periodic.area');
      if (!period || !area) return { ok: false, errors };
      if (!policy.mayBuild(actor, area)) throw new ForbiddenError({ key: 'periodic.notYourArea' });
      if (!reportsIn(catalog, period, area)) {
        addFieldError(errors, 'areaId', reformSide(period) === 'after' ? 'errors.periodic.noDistrictAfterReform' : 'errors.periodic.noCommuneBeforeReform', { area: area.name });
        return { ok: false, errors };
      }
      const at = nowIso(now());
      const id = inTransaction(db, () => {
        const existing = repository.editions(period.id, area.id).at(-1);
        if (existing) return existing.id;
        const row = repository.insertReport({ periodId: period.id, areaId: area.id, edition: 1, createdBy: actor.userId }, at);
        audit.record(actor, { action: 'create', recordType: REPORT, recordId: row.id, changes: { period: [null, period.title], area: [null, area.name], edition: [null, 1] }, areaIds: [area.id] });
        return row.id;
      });
      return { ok: true, value: { id } };
    },

    view(actor: Actor, id: number): ReportView {
      const report = loadReport(actor, id);
      const period = loadPeriod(report.periodId);
      const area = areaOf(report.areaId);
      const snapshot = parseSnapshot(report);
      const sections = snapshot ? snapshot.sections : computeSections(period, area);
      const rollup = snapshot ? snapshot.rollup : computeRollup(period, area);
      const editions = repository.editions(period.id, area.id);
      const steps = repository.stepsOf(editions.map((edition) => edition.id));
      const final = snapshot && (report.status === 'accepted' || report.status === 'submitted');
      const names = repository.userNames([report.submittedBy, report.reviewedBy].filter((value): value is number => value !== null));
      return {
        report,
        period,
        area,
        parent: parentArea(catalog, area),
        snapshot,
        sections,
        rollup,
        editions,
        steps,
        changes: final ? changesOf(report, period, area, snapshot) : null,
        can: policy.abilities(actor, report, area),
        names,
      };
    },

    /** The frozen snapshot of a report (for its files), or null while it is a draft. */
    snapshotOf(actor: Actor, id: number): { report: PeriodicReportRow; snapshot: ReportSnapshot | null; sections: ReportSection[]; area: AreaRecord; period: ReportingPeriodRow } {
      const report = loadReport(actor, id);
      const period = loadPeriod(report.periodId);
      const area = areaOf(report.areaId);
      const snapshot = parseSnapshot(report);
      return { report, snapshot, sections: snapshot ? snapshot.sections : computeSections(period, area), area, period };
    },

    /**
     * What a version's PDF and DOCX say: its frozen snapshot, or for a draft (or a returned report) the figures
     * and narrative as they stand now, marked as a draft. With the area the report goes to, for "Nơi nhận".
     */
    documentOf(actor: Actor, id: number): { report: PeriodicReportRow; area: AreaRecord; snapshot: ReportSnapshot; draft: boolean; parentName: string | null } {
      const report = loadReport(actor, id);
      const period = loadPeriod(report.periodId);
      const area = areaOf(report.areaId);
      const frozen = parseSnapshot(report);
      const snapshot = frozen ?? snapshotNow(report, period, area, narrativeOf(report), '', nowIso(now()));
      return { report, area, snapshot, draft: !frozen, parentName: parentArea(catalog, area)?.name ?? null };
    },

    /** Saves the narrative at the version the form was loaded with (ConflictError when someone saved since). */
    saveNarrative(actor: Actor, id: number, input: NarrativeInput, expectedVersion: number): void {
      const { report, area } = requireEditable(actor, id);
      if (report.version !== expectedVersion) throw new ConflictError({ key: 'errors.periodic.stale' });
      inTransaction(db, () => {
        if (!repository.saveNarrative(id, expectedVersion, input, nowIso(now()))) throw new ConflictError({ key: 'errors.periodic.stale' });
        const changes = Object.fromEntries(
          (Object.keys(input) as Array<keyof NarrativeInput>).filter((field) => report[field] !== input[field]).map((field) => [field, [report[field].length, input[field].length]]),
        );
        audit.record(actor, { action: 'update', recordType: REPORT, recordId: id, changes: { ...changes, unit: 'characters' }, areaIds: [area.id] });
      });
    },

    /**
     * Submits upward: saves the narrative and freezes the snapshot of every figure, the roll-up and the
     * narrative in one transaction. Nothing in the snapshot is ever recomputed.
     */
    submit(actor: Actor, id: number, input: NarrativeInput, expectedVersion: number): void {
      const { report, area, period } = requireEditable(actor, id);
      if (report.version !== expectedVersion) throw new ConflictError({ key: 'errors.periodic.stale' });
      const at = nowIso(now());
      inTransaction(db, () => {
        if (!repository.saveNarrative(id, expectedVersion, input, at)) throw new ConflictError({ key: 'errors.periodic.stale' });
        const snapshot = snapshotNow(report, period, area, narrativeOf(input), actor.name, at);
        if (!repository.freeze(id, expectedVersion + 1, JSON.stringify(snapshot), actor.userId, at)) throw new ConflictError({ key: 'errors.periodic.stale' });
        step(actor, id, 'submit', '', at);
        audit.record(actor, { action: 'status', recordType: REPORT, recordId: id, changes: { status: [report.status, 'submitted'], edition: [null, report.edition] }, areaIds: [area.id] });
      });
    },

    /** The level above accepts, or returns with a comment (the report goes back to its area as a draft). */
    review(actor: Actor, id: number, decision: 'accept' | 'return', comment: string): void {
      const report = loadReport(actor, id);
      const area = areaOf(report.areaId);
      if (!policy.mayReview(actor, area)) throw new ForbiddenError({ key: 'periodic.notAbove' });
      if (report.status !== 'submitted') throw new StateError({ key: 'periodic.notSubmitted' });
      const at = nowIso(now());
      const to = decision === 'accept' ? 'accepted' : 'returned';
      inTransaction(db, () => {
        if (!repository.review(id, to, comment, actor.userId, at)) throw new StateError({ key: 'periodic.notSubmitted' });
        step(actor, id, decision === 'accept' ? 'accept' : 'return', comment, at);
        audit.record(actor, { action: 'status', recordType: REPORT, recordId: id, changes: { status: ['submitted', to], ...(comment ? { comment: [null, comment] } : {}) }, areaIds: [area.id] });
      });
    },

    /** A corrected edition of a final report: a new draft with the same narrative; the earlier edition stays as it was. */
    correct(actor: Actor, id: number, reason: string): { id: number } {
      const report = loadReport(actor, id);
      const area = areaOf(report.areaId);
      if (!policy.isHeadOf(actor, area)) throw new ForbiddenError({ key: 'periodic.notYourArea' });
      if (!policy.abilities(actor, report, area).correct) throw new StateError({ key: 'periodic.notCorrectable' });
      const at = nowIso(now());
      return inTransaction(db, () => {
        const latest = repository.editions(report.periodId, report.areaId).at(-1)!;
        if (latest.id !== report.id) throw new StateError({ key: 'periodic.notCorrectable' });
        const row = repository.insertReport({ periodId: report.periodId, areaId: report.areaId, edition: report.edition + 1, createdBy: actor.userId, ...narrativeOf(report), correctionReason: reason }, at);
        repository.markReplaced(report.id, row.id, at);
        step(actor, report.id, 'correct', reason, at);
        audit.record(actor, { action: 'create', recordType: REPORT, recordId: row.id, changes: { edition: [null, row.edition], corrects: [null, report.id], reason: [null, reason] }, areaIds: [area.id] });
        return { id: row.id };
      });
    },

    /** Reports submitted to this person for review (from the level below theirs). */
    inbox(actor: Actor): Array<{ report: PeriodicReportRow; area: AreaRecord; period: ReportingPeriodRow | undefined }> {
      return repository
        .reportsWithStatus(['submitted'], null)
        .map((report) => ({ report, area: catalog.byId.get(report.areaId)!, period: repository.findPeriod(report.periodId) }))
        .filter((item) => item.area && policy.mayReview(actor, item.area));
    },

    /** The reports a person may read, latest first. */
    listReports(actor: Actor): Array<{ report: PeriodicReportRow; area: AreaRecord; period: ReportingPeriodRow | undefined }> {
      const periods = new Map(repository.listPeriods().map((period) => [period.id, period]));
      return repository
        .reportsInScope(actor.scope)
        .filter((report) => policy.mayRead(actor, report.areaId))
        .map((report) => ({ report, area: catalog.byId.get(report.areaId)!, period: periods.get(report.periodId) ?? repository.findPeriod(report.periodId) }))
        .filter((item) => item.area);
    },

    /**
     * For a head's home page: the reports of their area that are due (period begun, due date not passed),
     * overdue (the due date passed in Vietnam's calendar, not submitted) or returned.
     */
    dueFor(actor: Actor): DueReport[] {
      if (actor.role !== 'department_head') return [];
      const area = actor.areaId === null ? catalog.province : catalog.byId.get(actor.areaId);
      if (!area) return [];
      const today = todayInVietnam(now());
      const due: DueReport[] = [];
      for (const period of repository.periodsBegunBy(today)) {
        if (!reportsIn(catalog, period, area)) continue;
        const date = dueDateOf(period, levelOf(catalog, area));
        if (!date) continue;
        const latest = repository.editions(period.id, area.id).at(-1);
        if (latest?.status === 'returned') due.push({ period, area, due: date, state: 'returned', reportId: latest.id });
        else if (!latest || latest.status === 'draft') due.push({ period, area, due: date, state: today > date ? 'overdue' : 'due', reportId: latest?.id ?? null });
      }
      return due;
    },

    /** The areas that have not sent an accepted report, for a reminder. */
    pendingAreas(period: ReportingPeriodRow, level: ReportLevel): AreaRecord[] {
      const areas = areasAtLevel(catalog, period, level);
      const reports = repository.reportsOf(period.id, areas.map((area) => area.id));
      const sent = new Set(reports.filter((report) => report.status === 'submitted' || report.status === 'accepted').map((report) => report.areaId));
      return areas.filter((area) => !sent.has(area.id));
    },

    repository,
  };
}

export type PeriodicReportsService = ReturnType<typeof periodicReportsService>;
