import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import { areaExistsThroughout, type AreaCatalog, type AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import { formKeysRepository, submissionKeyPattern } from '../form-keys/index.js';
import { barChart, type BarChart } from '../../lib/bar-chart.js';
import { monthPeriod, periodCode, quarterPeriod } from './monitoring.periods.js';
import { monitoringPolicy, type MonitoringAbilities } from './monitoring.policy.js';
import { monitoringRepository, type MonitoringCells, type MonitoringListFilter, type MonitoringRecordRow } from './monitoring.repository.js';
import { countField, monitoringCategories, type MonitoringCountsInput, type MonitoringFormValues, type MonitoringListQuery, type MonitoringRecordInput } from './monitoring.schemas.js';

const RECORD_TYPE = 'monitoring';

export type MonitoringRecordView = MonitoringRecordRow & { area: AreaRecord | undefined; cells: MonitoringCells; code: string };

/** A refused create: the messages, and the record that already holds this area and period, if that was why. */
export type MonitoringCreateResult = { ok: true; value: { id: number } } | { ok: false; errors: FieldErrors; existingId?: number };

/** The chart of one category over a year: by month, or by quarter when any record of the series is quarterly. */
export interface MonitoringSeries {
  year: number;
  category: string;
  by: 'month' | 'quarter';
  chart: BarChart;
}

export function monitoringService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const repository = monitoringRepository(db);
  const submissions = formKeysRepository(db);

  /** The area, the period and every count: counts are not personal data; of the note only its length is kept. */
  function snapshot(record: MonitoringRecordRow, cells: MonitoringCells): Snapshot {
    return {
      area: catalog.byId.get(record.areaId)?.name ?? null,
      period: `${periodCode(record.periodKind, record.periodNumber)}/${record.year}`,
      noteLength: record.note.length,
      ...Object.fromEntries(Object.entries(cells)),
    };
  }

  function load(actor: Actor, id: number): MonitoringRecordRow {
    const record = repository.findById(id, actor.scope);
    if (!record) throw new NotFoundError('monitoring record');
    return record;
  }

  function view(record: MonitoringRecordRow, cells: MonitoringCells): MonitoringRecordView {
    return { ...record, area: catalog.byId.get(record.areaId), cells, code: periodCode(record.periodKind, record.periodNumber) };
  }

  /** The area (offered, in scope, existing throughout the period), a period already begun, and no overlapping record. */
  function check(actor: Actor, input: MonitoringRecordInput): { errors: FieldErrors; existingId?: number } {
    const errors: FieldErrors = {};
    const { period } = input;
    const area = catalog.byId.get(input.areaId);
    if (!area || !catalog.isOffered(area.id)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, area.id)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: area.name });
    else if (!areaExistsThroughout(area, period.start, period.end)) {
      addFieldError(errors, 'areaId', area.level === 'district' ? 'errors.monitoring.districtAfterReform' : 'errors.monitoring.communeBeforeReform', { area: area.name });
    }
    if (period.start > todayInVietnam(now())) addFieldError(errors, 'period', 'errors.monitoring.future');
    if (Object.keys(errors).length > 0) return { errors };
    const existing = repository.findOverlapping(input.areaId, period.start, period.end);
    if (existing) {
      addFieldError(errors, 'period', 'errors.monitoring.duplicate', { area: area!.name });
      return { errors, existingId: existing.id };
    }
    return { errors };
  }

  function filterOf(actor: Actor, query: MonitoringListQuery): MonitoringListFilter {
    return { scope: actor.scope, ...(query.year ? { year: query.year } : {}), ...(query.area ? { areaIds: catalog.filterIds(query.area) } : {}) };
  }

  return {
    abilities(actor: Actor): MonitoringAbilities {
      return monitoringPolicy.abilities(actor);
    },

    listRecords(actor: Actor, query: MonitoringListQuery): Page<MonitoringRecordView> {
      const filter = filterOf(actor, query);
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const cells = repository.cellsOf(rows.map((row) => row.id));
      return { items: rows.map((row) => view(row, cells.get(row.id) ?? {})), total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: false };
    },

    /** A category's series over a year for the area chosen (or the whole scope): a bar per month, or per quarter. */
    series(actor: Actor, year: number, category: string, areaId?: number): MonitoringSeries {
      const rows = repository.series({ scope: actor.scope, year, ...(areaId ? { areaIds: catalog.filterIds(areaId) } : {}) }, category);
      const by = rows.some((row) => row.periodKind === 'quarter') ? 'quarter' : 'month';
      const slots = by === 'month' ? Array.from({ length: 12 }, (_, index) => monthPeriod(year, index + 1)) : [1, 2, 3, 4].map((quarter) => quarterPeriod(year, quarter));
      const totals = new Map<number, number>();
      for (const row of rows) {
        // Months add up into their quarter exactly, so a quarterly series takes monthly records too.
        const slot = by === 'month' || row.periodKind === 'quarter' ? row.periodNumber : Math.floor((row.periodNumber - 1) / 3) + 1;
        totals.set(slot, (totals.get(slot) ?? 0) + row.total);
      }
      const chart = barChart(slots.map((slot) => ({ key: slot.start.slice(0, 7), label: by === 'month' ? `T${slot.number}` : `Q${slot.number}`, value: totals.get(slot.number) ?? 0 })));
      return { year, category, by, chart };
    },

    categories(): string[] {
      return vocabularyCodes('monitoring_situations');
    },

    getRecord(actor: Actor, id: number): MonitoringRecordView {
      const record = load(actor, id);
      return view(record, repository.cellsOf([id]).get(id) ?? {});
    },

    formValuesOf(record: MonitoringRecordView): MonitoringFormValues {
      return {
        areaId: String(record.areaId),
        year: String(record.year),
        period: record.code,
        note: record.note,
        version: String(record.version),
        submissionKey: '',
        ...Object.fromEntries(monitoringCategories.map((category) => [countField(category), record.cells[category] === undefined ? '' : String(record.cells[category])])),
      };
    },

    /** Records an area's counts for a period; a second record for an overlapping period of the area is refused with the first one's id. */
    createRecord(actor: Actor, input: MonitoringRecordInput, submissionKey: string): MonitoringCreateResult {
      const key = submissionKeyPattern.test(submissionKey) ? submissionKey : null;
      const earlier = key ? submissions.find(key, actor.userId, RECORD_TYPE) : undefined;
      if (earlier !== undefined) return { ok: true, value: { id: earlier } };
      const checked = check(actor, input);
      if (Object.keys(checked.errors).length > 0) return { ok: false, errors: checked.errors, ...(checked.existingId ? { existingId: checked.existingId } : {}) };
      const at = nowIso(now());
      const { period } = input;
      const write = { areaId: input.areaId, periodKind: period.kind, year: period.year, periodNumber: period.number, periodStart: period.start, periodEnd: period.end, note: input.note };
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, RECORD_TYPE) : undefined;
        if (again !== undefined) return again;
        // Checked again inside the transaction: two people saving the same period at once make one record.
        const existing = repository.findOverlapping(write.areaId, write.periodStart, write.periodEnd);
        if (existing) return -existing.id;
        const row = repository.insert(write, input.cells, { createdBy: actor.userId, at });
        audit.record(actor, { action: 'create', recordType: RECORD_TYPE, recordId: row.id, changes: diff(null, snapshot(row, input.cells)), areaIds: [row.areaId] });
        if (key) submissions.remember(key, actor.userId, RECORD_TYPE, row.id, at);
        return row.id;
      });
      if (id < 0) return { ok: false, errors: { period: [{ key: 'errors.monitoring.duplicate', params: { area: catalog.byId.get(input.areaId)?.name ?? '' } }] }, existingId: -id };
      return { ok: true, value: { id } };
    },

    /** Saves new counts and note; throws ConflictError when the record changed since the form was loaded. */
    updateRecord(actor: Actor, id: number, input: MonitoringCountsInput, expectedVersion: number): FormResult<{ id: number }> {
      const record = this.getRecord(actor, id);
      if (!Number.isInteger(expectedVersion) || expectedVersion !== record.version) throw new ConflictError({ key: 'errors.victims.stale' });
      inTransaction(db, () => {
        if (!repository.update(id, expectedVersion, input.note, input.cells, nowIso(now()))) throw new ConflictError({ key: 'errors.victims.stale' });
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: diff(snapshot(record, record.cells), snapshot({ ...record, note: input.note }, input.cells)), areaIds: [record.areaId] });
      });
      return { ok: true, value: { id } };
    },
  };
}

export type MonitoringService = ReturnType<typeof monitoringService>;
