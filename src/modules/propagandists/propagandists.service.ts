import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import { onceFor } from '../form-keys/index.js';
import { propagandistsPolicy, type PropagandistAbilities } from './propagandists.policy.js';
import { propagandistsRepository, type PropagandistListFilter, type PropagandistRow, type TrainingRow } from './propagandists.repository.js';
import type { PropagandistFormValues, PropagandistInput, PropagandistListQuery, TrainingInput } from './propagandists.schemas.js';

const RECORD_TYPE = 'propagandist';

export type PropagandistView = PropagandistRow & { area: AreaRecord | undefined; lastTrained?: string | null };

export function propagandistsService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const repository = propagandistsRepository(db);

  function snapshot(person: PropagandistRow): Snapshot {
    return { name: person.name, organisation: person.organisation, area: catalog.byId.get(person.areaId)?.name ?? null, role: person.role, leftOn: person.leftOn };
  }

  function load(actor: Actor, id: number): PropagandistRow {
    const person = repository.findById(id, actor.scope);
    if (!person) throw new NotFoundError('propagandist');
    return person;
  }

  /** The area (offered, in scope) and no date in the future. */
  function check(actor: Actor, input: PropagandistInput): FieldErrors {
    const errors: FieldErrors = {};
    const area = catalog.byId.get(input.areaId);
    if (!area || !catalog.isOffered(area.id)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, area.id)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: area.name });
    const today = todayInVietnam(now());
    if (input.trainedOn && input.trainedOn > today) addFieldError(errors, 'trainedOn', 'errors.models.future');
    if (input.leftOn && input.leftOn > today) addFieldError(errors, 'leftOn', 'errors.models.future');
    return errors;
  }

  function filterOf(actor: Actor, query: PropagandistListQuery): PropagandistListFilter {
    const filter: PropagandistListFilter = { scope: actor.scope };
    if (query.area) filter.areaIds = catalog.filterIds(query.area);
    if (query.role) filter.role = query.role;
    if (query.active) filter.activeOnly = true;
    if (query.trained) {
      const from = query.from ? parseDateInput(query.from) : null;
      const to = query.to ? parseDateInput(query.to) : null;
      filter.trainedBy = to ?? todayInVietnam(now());
      if (from) filter.activeFrom = from;
    }
    return filter;
  }

  return {
    abilities(actor: Actor): PropagandistAbilities {
      return propagandistsPolicy.abilities(actor);
    },

    list(actor: Actor, query: PropagandistListQuery): Page<PropagandistView> {
      const filter = filterOf(actor, query);
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      return { items: rows.map((row) => ({ ...row, area: catalog.byId.get(row.areaId) })), total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: false };
    },

    get(actor: Actor, id: number): PropagandistView & { trainings: TrainingRow[]; activityCount: number } {
      const person = load(actor, id);
      return { ...person, area: catalog.byId.get(person.areaId), trainings: repository.trainings(id), activityCount: repository.activityCount(id) };
    },

    /** Active people an outreach form may name as who carried it out. */
    options(actor: Actor, keep: number[] = []): Array<PropagandistRow & { areaName: string }> {
      const rows = repository.options(actor.scope, 500);
      // A form editing an activity keeps the people it names, even those who have left since.
      const missing = keep.filter((id) => !rows.some((row) => row.id === id));
      const kept = missing.length ? repository.byIds(missing, actor.scope) : [];
      return [...rows, ...kept].map((row) => ({ ...row, areaName: catalog.byId.get(row.areaId)?.name ?? '' }));
    },

    formValuesOf(person: PropagandistRow): PropagandistFormValues {
      return { name: person.name, organisation: person.organisation, areaId: String(person.areaId), role: person.role, trainedOn: '', course: '', leftOn: formatDate(person.leftOn), version: String(person.version), submissionKey: '' };
    },

    create(actor: Actor, input: PropagandistInput, submissionKey: string): FormResult<{ id: number }> {
      const errors = check(actor, input);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const at = nowIso(now());
      const id = inTransaction(db, () =>
        onceFor(db, submissionKey, actor.userId, RECORD_TYPE, () => {
          const row = repository.insert({ name: input.name, organisation: input.organisation, areaId: input.areaId, role: input.role, leftOn: input.leftOn }, { createdBy: actor.userId, at });
          if (input.trainedOn) repository.putTraining(row.id, input.trainedOn, input.course, at);
          audit.record(actor, { action: 'create', recordType: RECORD_TYPE, recordId: row.id, changes: diff(null, { ...snapshot(row), trainedOn: input.trainedOn }), areaIds: [row.areaId] });
          return row.id;
        }, at),
      );
      return { ok: true, value: { id } };
    },

    /** Saves an edit (a training date given here is added); ConflictError when the person changed since loaded. */
    update(actor: Actor, id: number, input: PropagandistInput, expectedVersion: number): FormResult<{ id: number }> {
      const person = load(actor, id);
      const errors = check(actor, input);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      if (expectedVersion !== person.version) throw new ConflictError();
      const write = { name: input.name, organisation: input.organisation, areaId: input.areaId, role: input.role, leftOn: input.leftOn };
      const at = nowIso(now());
      inTransaction(db, () => {
        if (!repository.update(id, person.version, write, at)) throw new ConflictError();
        if (input.trainedOn) repository.putTraining(id, input.trainedOn, input.course, at);
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: { ...diff(snapshot(person), snapshot({ ...person, ...write })), ...(input.trainedOn ? { trainedOn: [null, input.trainedOn] } : {}) }, areaIds: [...new Set([person.areaId, write.areaId])] });
      });
      return { ok: true, value: { id } };
    },

    /** Adds a training date. */
    addTraining(actor: Actor, id: number, input: TrainingInput, expectedVersion: number): FormResult<{ id: number }> {
      const person = load(actor, id);
      if (expectedVersion !== person.version) throw new ConflictError();
      if (input.trainedOn > todayInVietnam(now())) return { ok: false, errors: { trainedOn: [{ key: 'errors.models.future' }] } };
      const at = nowIso(now());
      inTransaction(db, () => {
        if (!repository.update(id, person.version, {}, at)) throw new ConflictError();
        repository.putTraining(id, input.trainedOn, input.course, at);
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: { trainedOn: [null, input.trainedOn], course: [null, input.course] }, areaIds: [person.areaId] });
      });
      return { ok: true, value: { id } };
    },
  };
}

export type PropagandistsService = ReturnType<typeof propagandistsService>;
