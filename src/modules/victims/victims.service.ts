import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { areaExistsThroughout, type AreaCatalog, type AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import { formKeysRepository, submissionKeyPattern } from '../form-keys/index.js';
import { measureTotal, quarterPeriod, victimCellFields, type VictimCells } from './victims.measures.js';
import { victimsPolicy, type VictimAbilities } from './victims.policy.js';
import { victimsRepository, type VictimListFilter, type VictimRecordRow } from './victims.repository.js';
import type { VictimCountsInput, VictimFormValues, VictimListQuery, VictimRecordInput } from './victims.schemas.js';

export type { VictimRecordRow };

const RECORD_TYPE = 'victim_support';

/** The headline figures of a record, as lists and the summary show them. */
export interface VictimHeadline {
  returned: number;
  supported: number;
  handedToFamily: number;
}

export type VictimRecordView = VictimRecordRow & { area: AreaRecord | undefined; cells: VictimCells; headline: VictimHeadline };

/** A refused create: the messages, and the record that already holds this area and quarter, if that was why. */
export type VictimCreateResult = { ok: true; value: { id: number } } | { ok: false; errors: FieldErrors; existingId?: number };

function headlineOf(cells: VictimCells): VictimHeadline {
  return { returned: measureTotal(cells, 'returned'), supported: measureTotal(cells, 'supported'), handedToFamily: measureTotal(cells, 'handed_to_family') };
}

export function victimsService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const repository = victimsRepository(db);
  const submissions = formKeysRepository(db);

  /**
   * What the audit trail keeps: the area, the period and every count (counts are not personal data), and of the
   * note only its length: a note is checked for numbers that could identify someone, but is never copied into
   * the trail, which outlives the record.
   */
  function snapshot(record: VictimRecordRow, cells: VictimCells): Snapshot {
    return {
      area: catalog.byId.get(record.areaId)?.name ?? null,
      period: record.quarter ? `Q${record.quarter}/${record.year}` : `${record.periodStart}/${record.periodEnd}`,
      sample: record.isSample,
      noteLength: record.note.length,
      ...Object.fromEntries(Object.entries(cells).filter(([, count]) => count > 0)),
    };
  }

  function load(actor: Actor, id: number): VictimRecordRow {
    const record = repository.findById(id, actor.scope);
    if (!record) throw new NotFoundError('victim support record');
    return record;
  }

  function view(record: VictimRecordRow, cells: VictimCells): VictimRecordView {
    return { ...record, area: catalog.byId.get(record.areaId), cells, headline: headlineOf(cells) };
  }

  /** The rules that need the records: the area (offered, in scope, existing throughout the quarter), a past quarter, one record per area and quarter. */
  function check(actor: Actor, input: VictimRecordInput): { errors: FieldErrors; existingId?: number; period: { start: string; end: string } } {
    const errors: FieldErrors = {};
    const period = quarterPeriod(input.year, input.quarter);
    const area = catalog.byId.get(input.areaId);
    if (!area || !catalog.isOffered(area.id)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, area.id)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: area.name });
    else if (!areaExistsThroughout(area, period.start, period.end)) {
      addFieldError(errors, 'areaId', area.level === 'district' ? 'errors.victims.districtAfterReform' : 'errors.victims.communeBeforeReform', { area: area.name });
    }
    if (period.start > todayInVietnam(now())) addFieldError(errors, 'quarter', 'errors.victims.futureQuarter');
    if (Object.keys(errors).length > 0) return { errors, period };
    const existing = repository.findByPeriod(input.areaId, period.start, period.end);
    if (existing) {
      addFieldError(errors, 'quarter', 'errors.victims.duplicate', { quarter: input.quarter, year: input.year, area: area!.name });
      return { errors, existingId: existing.id, period };
    }
    return { errors, period };
  }

  function filterOf(actor: Actor, query: VictimListQuery): VictimListFilter {
    return { scope: actor.scope, ...(query.year ? { year: query.year } : {}), ...(query.area ? { areaIds: catalog.filterIds(query.area) } : {}) };
  }

  return {
    abilities(actor: Actor, record?: VictimRecordRow): VictimAbilities {
      return victimsPolicy.abilities(actor, record);
    },

    listRecords(actor: Actor, query: VictimListQuery): Page<VictimRecordView> {
      const filter = filterOf(actor, query);
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const cells = repository.cellsOf(rows.map((row) => row.id));
      return { items: rows.map((row) => view(row, cells.get(row.id) ?? {})), total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: false };
    },

    getRecord(actor: Actor, id: number): VictimRecordView {
      const record = load(actor, id);
      return view(record, repository.cellsOf([id]).get(id) ?? {});
    },

    /** A record about to be edited: 404 out of scope, 409 for a sample record (its figure has no split to edit). */
    editableRecord(actor: Actor, id: number): VictimRecordView {
      const record = this.getRecord(actor, id);
      if (!victimsPolicy.abilities(actor, record).edit) throw new StateError({ key: 'victims.sampleReadOnly' });
      return record;
    },

    formValuesOf(record: VictimRecordView): VictimFormValues {
      return {
        areaId: String(record.areaId),
        year: record.year === null ? '' : String(record.year),
        quarter: record.quarter === null ? '' : String(record.quarter),
        note: record.note,
        version: String(record.version),
        submissionKey: '',
        ...Object.fromEntries(victimCellFields.map((field) => [field, record.cells[field] ? String(record.cells[field]) : ''])),
      };
    },

    /** The record a form with this one-time key already created, if any. */
    createdWith(actor: Actor, submissionKey: string): number | undefined {
      return submissionKeyPattern.test(submissionKey) ? submissions.find(submissionKey, actor.userId, RECORD_TYPE) : undefined;
    },

    /** Records a quarter for an area; a second record for the same area and quarter is refused with the first one's id. */
    createRecord(actor: Actor, input: VictimRecordInput, submissionKey: string): VictimCreateResult {
      const key = submissionKeyPattern.test(submissionKey) ? submissionKey : null;
      const earlier = key ? submissions.find(key, actor.userId, RECORD_TYPE) : undefined;
      if (earlier !== undefined) return { ok: true, value: { id: earlier } };
      const checked = check(actor, input);
      if (Object.keys(checked.errors).length > 0) return { ok: false, errors: checked.errors, ...(checked.existingId ? { existingId: checked.existingId } : {}) };
      const at = nowIso(now());
      const write = { areaId: input.areaId, year: input.year, quarter: input.quarter, periodStart: checked.period.start, periodEnd: checked.period.end, isSample: false, note: input.note };
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, RECORD_TYPE) : undefined;
        if (again !== undefined) return again;
        // Checked again inside the transaction: two heads saving the same quarter at once make one record.
        const existing = repository.findByPeriod(write.areaId, write.periodStart, write.periodEnd);
        if (existing) return -existing.id;
        const row = repository.insert(write, input.cells, { createdBy: actor.userId, at });
        audit.record(actor, { action: 'create', recordType: RECORD_TYPE, recordId: row.id, changes: diff(null, snapshot(row, input.cells)), areaIds: [row.areaId] });
        if (key) submissions.remember(key, actor.userId, RECORD_TYPE, row.id, at);
        return row.id;
      });
      if (id < 0) {
        const errors: FieldErrors = {};
        addFieldError(errors, 'quarter', 'errors.victims.duplicate', { quarter: input.quarter, year: input.year, area: catalog.byId.get(input.areaId)?.name ?? '' });
        return { ok: false, errors, existingId: -id };
      }
      return { ok: true, value: { id } };
    },

    /** Saves new counts and note; throws ConflictError when the record changed since the form was loaded. */
    updateRecord(actor: Actor, id: number, input: VictimCountsInput, expectedVersion: number): FormResult<{ id: number }> {
      const record = this.editableRecord(actor, id);
      if (!Number.isInteger(expectedVersion) || expectedVersion !== record.version) throw new ConflictError({ key: 'errors.victims.stale' });
      inTransaction(db, () => {
        if (!repository.update(id, expectedVersion, input.note, input.cells, nowIso(now()))) throw new ConflictError({ key: 'errors.victims.stale' });
        const after = { ...record, note: input.note };
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: diff(snapshot(record, record.cells), snapshot(after, input.cells)), areaIds: [record.areaId] });
      });
      return { ok: true, value: { id } };
    },

    /** Deletes a record at the version it was shown with (ConflictError when it changed since). */
    deleteRecord(actor: Actor, id: number, expectedVersion: number): void {
      const record = this.getRecord(actor, id);
      if (!Number.isInteger(expectedVersion) || expectedVersion !== record.version) throw new ConflictError({ key: 'errors.victims.stale' });
      inTransaction(db, () => {
        if (!repository.delete(id, expectedVersion)) throw new ConflictError({ key: 'errors.victims.stale' });
        audit.record(actor, { action: 'delete', recordType: RECORD_TYPE, recordId: id, changes: diff(snapshot(record, record.cells), null), areaIds: [record.areaId] });
      });
    },

    /**
     * A figure a source gives only for the province and a span of years (the sample data), kept as it is: at
     * province level, over its period, without a split (sex and age "unknown"), and marked as sample data.
     */
    importSampleTotal(actor: Actor, input: { periodStart: string; periodEnd: string; note: string; cells: VictimCells }): number {
      return inTransaction(db, () => {
        const existing = repository.findByPeriod(catalog.province.id, input.periodStart, input.periodEnd);
        if (existing) return existing.id;
        const write = { areaId: catalog.province.id, year: null, quarter: null, periodStart: input.periodStart, periodEnd: input.periodEnd, isSample: true, note: input.note };
        const row = repository.insert(write, input.cells, { createdBy: actor.userId, at: nowIso(now()) });
        audit.record(actor, { action: 'create', recordType: RECORD_TYPE, recordId: row.id, changes: diff(null, snapshot(row, input.cells)), areaIds: [row.areaId] });
        return row.id;
      });
    },
  };
}

export type VictimsService = ReturnType<typeof victimsService>;
