import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { areaExistsThroughout, type AreaCatalog, type AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import { onceFor } from '../form-keys/index.js';
import { modelsPolicy, type ModelAbilities } from './models.policy.js';
import { modelsRepository, type ModelEventRow, type ModelListFilter, type ModelMembersRow, type ModelRow } from './models.repository.js';
import type { MembersInput, ModelFormValues, ModelInput, ModelListQuery, ModelStateInput } from './models.schemas.js';

export type { ModelRow };

const RECORD_TYPE = 'prevention_model';
/** How long a model may go without an activity before heads are shown it. */
export const IDLE_MONTHS = 6;

/**
 * The same calendar day `months` months before a date (YYYY-MM-DD), or the month's last day when it has no such
 * day (31/08 → 28/02 or 29/02).
 */
export function monthsBefore(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) - months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${targetYear}-${pad(targetMonth)}-${pad(Math.min(day, lastDay))}`;
}

export type ModelView = ModelRow & { area: AreaRecord | undefined; lastActivity?: string | null };

export interface ModelDetails {
  model: ModelView;
  origin: ModelRow | null;
  mergedInto: ModelRow | null;
  replicas: ModelRow[];
  mergedIn: ModelRow[];
  events: Array<ModelEventRow & { other: ModelRow | null }>;
  members: ModelMembersRow[];
  activities: { total: number; items: Array<{ id: number; activityDate: string; format: string; areaId: number; participantsTotal: number; participantsWomen: number }> };
}

export function modelsService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const repository = modelsRepository(db);

  function snapshot(model: ModelRow): Snapshot {
    return {
      name: model.name,
      kind: model.kind,
      area: catalog.byId.get(model.areaId)?.name ?? null,
      hostAgency: model.hostAgency,
      startDate: model.startDate,
      state: model.state,
      replicatedFrom: model.replicatedFromId,
      mergedInto: model.mergedIntoId,
      endedOn: model.endedOn,
      members: model.members,
      notes: model.notes,
    };
  }

  function load(actor: Actor, id: number): ModelRow {
    const model = repository.findById(id, actor.scope);
    if (!model) throw new NotFoundError('prevention model');
    return model;
  }

  function view<T extends ModelRow>(model: T): T & { area: AreaRecord | undefined } {
    return { ...model, area: catalog.byId.get(model.areaId) };
  }

  /** The rules that need the records: the area (offered, in scope, existing on the start date), the origin model, dates not in the future. */
  function check(actor: Actor, input: ModelInput, self: number | null): FieldErrors {
    const errors: FieldErrors = {};
    const area = catalog.byId.get(input.areaId);
    if (!area || !catalog.isOffered(area.id)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, area.id)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: area.name });
    else if (!areaExistsThroughout(area, input.startDate, input.startDate)) {
      addFieldError(errors, 'areaId', area.level === 'district' ? 'errors.areas.districtAfterReform' : 'errors.areas.communeBeforeReform', { area: area.name });
    }
    if (input.startDate > todayInVietnam(now())) addFieldError(errors, 'startDate', 'errors.models.future');
    if (input.replicatedFromId !== null) {
      const origin = repository.findById(input.replicatedFromId, actor.scope);
      if (!origin || origin.id === self) addFieldError(errors, 'replicatedFromId', 'errors.models.origin');
      else if (origin.startDate > input.startDate) addFieldError(errors, 'replicatedFromId', 'errors.models.originLater', { date: formatDate(origin.startDate) });
    }
    return errors;
  }

  function filterOf(actor: Actor, query: ModelListQuery): ModelListFilter {
    const filter: ModelListFilter = { scope: actor.scope };
    if (query.area) filter.areaIds = catalog.filterIds(query.area);
    if (query.kind) filter.kind = query.kind;
    if (query.state) filter.state = query.state;
    if (query.idle) filter.idleSince = monthsBefore(todayInVietnam(now()), IDLE_MONTHS);
    const from = query.from ? parseDateInput(query.from) : null;
    const to = query.to ? parseDateInput(query.to) : null;
    if (from) filter.activeFrom = from;
    if (to) filter.activeTo = to;
    if (query.started && from) filter.started = true;
    if (query.replicated) filter.replicated = true;
    return filter;
  }

  return {
    abilities(actor: Actor, model?: ModelRow): ModelAbilities {
      return modelsPolicy.abilities(actor, model);
    },

    listModels(actor: Actor, query: ModelListQuery): Page<ModelView> & { idleSince: string } {
      const filter = filterOf(actor, query);
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      return { items: rows.map(view), total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: false, idleSince: monthsBefore(todayInVietnam(now()), IDLE_MONTHS) };
    },

    /** Active models of the scope with no activity in the last 6 months (the heads' home page line). */
    idleCount(actor: Actor): number {
      return repository.count({ scope: actor.scope, idleSince: monthsBefore(todayInVietnam(now()), IDLE_MONTHS) });
    },

    /** A model the person may see, or undefined (for a link from another record). */
    visible(actor: Actor, id: number): ModelRow | undefined {
      return repository.findById(id, actor.scope);
    },

    getModel(actor: Actor, id: number): ModelView {
      return view(load(actor, id));
    },

    /** A model's page: its links, history, member counts and the activities it held (those of the scope). */
    details(actor: Actor, id: number): ModelDetails {
      const model = view(load(actor, id));
      const events = repository.events(id);
      const linked = new Map(repository.byIds([...new Set([model.replicatedFromId, model.mergedIntoId, ...events.map((event) => event.otherModelId)].filter((value): value is number => value !== null))], actor.scope).map((row) => [row.id, row]));
      const related = repository.related(id, actor.scope);
      const activities = repository.activities(id, 50);
      return {
        model,
        origin: model.replicatedFromId ? (linked.get(model.replicatedFromId) ?? null) : null,
        mergedInto: model.mergedIntoId ? (linked.get(model.mergedIntoId) ?? null) : null,
        replicas: related.replicas,
        mergedIn: related.mergedIn,
        events: events.map((event) => ({ ...event, other: event.otherModelId ? (linked.get(event.otherModelId) ?? null) : null })),
        members: repository.members(id),
        activities: { total: activities.total, items: activities.items.filter((activity) => scopeIncludes(actor.scope, activity.areaId)) },
      };
    },

    /** Models a form may offer (an origin, a merge target, the model that held an activity). */
    options(actor: Actor, activeOnly = true, keep?: number): Array<ModelRow & { areaName: string }> {
      const rows = repository.options(actor.scope, 500, activeOnly);
      // A form editing a record linked to a model that has since ended still shows (and keeps) that model.
      const kept = keep !== undefined && !rows.some((row) => row.id === keep) ? repository.findById(keep, actor.scope) : undefined;
      return [...rows, ...(kept ? [kept] : [])].map((row) => ({ ...row, areaName: catalog.byId.get(row.areaId)?.name ?? '' }));
    },

    formValuesOf(model: ModelRow): ModelFormValues {
      return {
        name: model.name,
        kind: model.kind,
        areaId: String(model.areaId),
        hostAgency: model.hostAgency,
        startDate: formatDate(model.startDate),
        replicatedFromId: model.replicatedFromId === null ? '' : String(model.replicatedFromId),
        members: '',
        notes: model.notes,
        version: String(model.version),
        submissionKey: '',
      };
    },

    /** Registers a model (started, or replicated from another) with its first member count; the same form sent twice makes one. */
    createModel(actor: Actor, input: ModelInput, submissionKey: string): FormResult<{ id: number }> {
      const errors = check(actor, input, null);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const at = nowIso(now());
      const id = inTransaction(db, () =>
        onceFor(db, submissionKey, actor.userId, RECORD_TYPE, () => {
          const { members, replicatedFromId, ...write } = input;
          const row = repository.insert({ ...write, replicatedFromId, members: members ?? 0 }, { createdBy: actor.userId, at });
          repository.addEvent({ modelId: row.id, kind: replicatedFromId ? 'replicated' : 'started', onDate: row.startDate, otherModelId: replicatedFromId, note: '', createdBy: actor.userId, createdAt: at });
          if (members !== null) repository.putMembers(row.id, row.startDate, members, { createdBy: actor.userId, at });
          audit.record(actor, { action: 'create', recordType: RECORD_TYPE, recordId: row.id, changes: diff(null, snapshot(row)), areaIds: [row.areaId] });
          return row.id;
        }, at),
      );
      return { ok: true, value: { id } };
    },

    /** Saves an edit of the model's own fields (not its state, origin or members); ConflictError when it changed since loaded. */
    updateModel(actor: Actor, id: number, input: ModelInput, expectedVersion: number): FormResult<{ id: number }> {
      const model = load(actor, id);
      const errors = check(actor, { ...input, replicatedFromId: null }, id);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      if (expectedVersion !== model.version) throw new ConflictError();
      if (model.endedOn && input.startDate > model.endedOn) return { ok: false, errors: { startDate: [{ key: 'errors.models.startAfterEnd', params: { date: formatDate(model.endedOn) } }] } };
      const write = { name: input.name, kind: input.kind, areaId: input.areaId, hostAgency: input.hostAgency, startDate: input.startDate, notes: input.notes };
      inTransaction(db, () => {
        if (!repository.update(id, model.version, write, nowIso(now()))) throw new ConflictError();
        if (write.startDate !== model.startDate) repository.moveStartEvent(id, write.startDate);
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: diff(snapshot(model), snapshot({ ...model, ...write })), areaIds: [...new Set([model.areaId, write.areaId])] });
      });
      return { ok: true, value: { id } };
    },

    /** Merges a model into another or dissolves it, on a date; kept in its history and the audit trail. */
    changeState(actor: Actor, id: number, input: ModelStateInput, expectedVersion: number): FormResult<{ id: number }> {
      const model = load(actor, id);
      if (model.state !== 'active') throw new StateError({ key: 'errors.models.notActive' });
      if (expectedVersion !== model.version) throw new ConflictError();
      const errors: FieldErrors = {};
      if (input.onDate < model.startDate) addFieldError(errors, 'onDate', 'errors.models.endBeforeStart', { date: formatDate(model.startDate) });
      else if (input.onDate > todayInVietnam(now())) addFieldError(errors, 'onDate', 'errors.models.future');
      if (input.to === 'merged') {
        const target = input.mergedIntoId === null ? undefined : repository.findById(input.mergedIntoId, actor.scope);
        if (!target || target.id === id || target.state !== 'active') addFieldError(errors, 'mergedIntoId', 'errors.models.mergeTarget');
        else if (target.startDate > input.onDate) addFieldError(errors, 'mergedIntoId', 'errors.models.targetLater', { date: formatDate(target.startDate) });
      }
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const at = nowIso(now());
      const write = { state: input.to, endedOn: input.onDate, mergedIntoId: input.mergedIntoId };
      inTransaction(db, () => {
        if (!repository.update(id, model.version, write, at)) throw new ConflictError();
        repository.addEvent({ modelId: id, kind: input.to, onDate: input.onDate, otherModelId: input.mergedIntoId, note: input.note, createdBy: actor.userId, createdAt: at });
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: diff(snapshot(model), { ...snapshot({ ...model, ...write }), stateNote: input.note }), areaIds: [model.areaId] });
      });
      return { ok: true, value: { id } };
    },

    /** Records the member count on a date (the latest one is the model's current count). */
    recordMembers(actor: Actor, id: number, input: MembersInput, expectedVersion: number): FormResult<{ id: number }> {
      const model = load(actor, id);
      if (expectedVersion !== model.version) throw new ConflictError();
      const errors: FieldErrors = {};
      if (input.asOf < model.startDate) addFieldError(errors, 'asOf', 'errors.models.beforeStart', { date: formatDate(model.startDate) });
      else if (input.asOf > todayInVietnam(now())) addFieldError(errors, 'asOf', 'errors.models.future');
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const at = nowIso(now());
      inTransaction(db, () => {
        const latest = repository.putMembers(id, input.asOf, input.members, { createdBy: actor.userId, at });
        if (!repository.update(id, model.version, { members: latest }, at)) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: RECORD_TYPE, recordId: id, changes: { memberCount: [null, `${input.asOf}: ${input.members}`], ...diff({ members: model.members }, { members: latest }) }, areaIds: [model.areaId] });
      });
      return { ok: true, value: { id } };
    },
  };
}

export type ModelsService = ReturnType<typeof modelsService>;
