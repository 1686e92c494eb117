import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, REFORM_DATE, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, RuleError } from '../../lib/errors.js';
import { addFieldError, hasErrors, zodFieldErrors, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { searchKey, searchWords } from '../../lib/text.js';
import { areaExistsThroughout, type AreaCatalog, type AreaRecord } from '../areas/areas.service.js';
import { roundsRepository, type RoundListFilter, type RoundRow, type RoundWrite } from './rounds.repository.js';
import {
  roundInputSchema,
  statusTransitions,
  type RoundFormValues,
  type RoundInput,
  type RoundListQuery,
  type RoundStatus,
  type StatusChangeInput,
} from './rounds.schemas.js';

export interface RoundListItem extends RoundRow {
  areas: AreaRecord[];
}

export interface RoundDetail extends RoundListItem {
  team: ReturnType<ReturnType<typeof roundsRepository>['teamOf']>;
  history: ReturnType<ReturnType<typeof roundsRepository>['historyOf']>;
  nextStatuses: RoundStatus[];
}

export interface RoundsServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  now?: () => Date;
}

export function roundsService({ db, catalog, now = () => new Date() }: RoundsServiceDeps) {
  const repository = roundsRepository(db);

  function areasOf(ids: number[]): AreaRecord[] {
    return ids
      .map((id) => catalog.byId.get(id))
      .filter((area): area is AreaRecord => area !== undefined)
      .sort((a, b) => a.level.localeCompare(b.level) || a.nameKey.localeCompare(b.nameKey));
  }

  /** The area filter of the list: a district also finds the work recorded since the reform in the communes it became. */
  function areaFilterIds(areaId: number): number[] {
    const area = catalog.byId.get(areaId);
    if (!area) return [];
    return area.level === 'district' ? catalog.districtFamily(area.id) : [area.id];
  }

  function toWrite(input: RoundInput): RoundWrite {
    const areaNames = areasOf(input.areaIds).map((area) => area.name);
    const searchText = searchKey(
      [input.title, input.decisionNumber, ...areaNames, ...input.team.map((member) => member.fullName)].join(' '),
    );
    return { ...input, searchText };
  }

  /** Field rules plus the area rules, which need the province's units: all errors at once, so the form shows them together. */
  function validate(values: RoundFormValues): FormResult<RoundInput> {
    const parsed = roundInputSchema.safeParse(values);
    const errors: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error);
    const areaIds = parsed.success
      ? parsed.data.areaIds
      : [...new Set(values.areaIds.filter((id) => /^\d{1,9}$/.test(id)).map(Number))];
    const provinceName = catalog.province.name;
    for (const areaId of areaIds) {
      const area = catalog.byId.get(areaId);
      if (!area || !catalog.isOffered(areaId)) {
        addFieldError(errors, 'areaIds', 'errors.areas.outside', { province: provinceName });
        break;
      }
    }
    if (parsed.success && !errors.areaIds) {
      const { startDate, endDate } = parsed.data;
      for (const area of areasOf(areaIds)) {
        if (areaExistsThroughout(area, startDate, endDate)) continue;
        const key = area.level === 'district' ? 'errors.areas.districtAfterReform' : 'errors.areas.communeBeforeReform';
        addFieldError(errors, 'areaIds', key, { area: area.name });
      }
    }
    if (!parsed.success || hasErrors(errors)) return { ok: false, errors };
    return { ok: true, value: parsed.data };
  }

  function load(id: number): RoundRow {
    const round = repository.findById(id);
    if (!round) throw new NotFoundError('round');
    return round;
  }

  return {
    catalog,
    validate,

    listRounds(query: RoundListQuery): Page<RoundListItem> {
      const filter: RoundListFilter = { words: searchWords(query.q) };
      if (query.status) filter.status = query.status;
      if (query.kind) filter.kind = query.kind;
      if (query.year) filter.overlaps = { from: `${query.year}-01-01`, to: `${query.year}-12-31` };
      if (query.area) filter.areaIds = areaFilterIds(query.area);
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const areaIds = repository.areaIdsByRound(rows.map((row) => row.id));
      const items = rows.map((row) => ({ ...row, areas: areasOf(areaIds.get(row.id) ?? []) }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize };
    },

    /** Years a user may filter by: every year with a round, and the current one. */
    yearOptions(): number[] {
      const range = repository.yearRange();
      const thisYear = Number(todayInVietnam(now()).slice(0, 4));
      const first = range.first ? Math.min(Number(range.first.slice(0, 4)), thisYear) : thisYear;
      const last = range.last ? Math.max(Number(range.last.slice(0, 4)), thisYear) : thisYear;
      const years: number[] = [];
      for (let year = last; year >= first && years.length < 50; year -= 1) years.push(year);
      return years;
    },

    statusCounts(): Record<string, number> {
      return repository.countByStatus();
    },

    getRound(id: number): RoundDetail {
      const round = load(id);
      const areaIds = repository.areaIdsByRound([id]).get(id) ?? [];
      return {
        ...round,
        areas: areasOf(areaIds),
        team: repository.teamOf(id),
        history: repository.historyOf(id),
        nextStatuses: statusTransitions[round.status],
      };
    },

    /** The form values of a stored round, for its edit page. */
    formValuesOf(round: RoundDetail): RoundFormValues {
      return {
        title: round.title,
        decisionNumber: round.decisionNumber,
        kind: round.kind,
        areaIds: round.areas.map((area) => String(area.id)),
        startDate: formatDate(round.startDate),
        endDate: formatDate(round.endDate),
        leadAgency: round.leadAgency,
        objectives: round.objectives,
        team: round.team.map((member) => ({ fullName: member.fullName, agency: member.agency, teamRole: member.teamRole })),
        version: String(round.version),
      };
    },

    createRound(values: RoundFormValues, options: { isSample?: boolean; status?: RoundStatus } = {}): FormResult<{ id: number }> {
      const result = validate(values);
      if (!result.ok) return result;
      const at = nowIso(now());
      const status = options.status ?? 'planned';
      const id = inTransaction(db, () => {
        const roundId = repository.insert(toWrite(result.value), { status, isSample: options.isSample ?? false, at });
        repository.addStatusChange({ roundId, fromStatus: null, toStatus: status, changedAt: at, note: '' });
        return roundId;
      });
      return { ok: true, value: { id } };
    },

    /** Writes one round of the bundled sample history (trusted, typed input; the source gives no lead agency). */
    importSampleRound(input: RoundInput, status: RoundStatus): number {
      const at = nowIso(now());
      return inTransaction(db, () => {
        const roundId = repository.insert(toWrite(input), { status, isSample: true, at });
        repository.addStatusChange({ roundId, fromStatus: null, toStatus: status, changedAt: at, note: '' });
        return roundId;
      });
    },

    /** Saves an edit; throws ConflictError when the round changed since the form was loaded. */
    updateRound(id: number, values: RoundFormValues): FormResult<{ id: number }> {
      const round = load(id);
      if (round.status === 'cancelled') throw new RuleError({ key: 'rounds.readOnly' });
      const result = validate(values);
      if (!result.ok) return result;
      const expectedVersion = Number(values.version);
      if (!Number.isInteger(expectedVersion) || expectedVersion !== round.version) throw new ConflictError({ key: 'errors.staleVersion' });
      const saved = inTransaction(db, () => repository.update(id, expectedVersion, toWrite(result.value), nowIso(now())));
      if (!saved) throw new ConflictError({ key: 'errors.staleVersion' });
      return { ok: true, value: { id } };
    },

    /** Moves a round along planned → in_progress → completed, or to cancelled, recording who and when. */
    changeStatus(id: number, change: StatusChangeInput): void {
      const round = load(id);
      if (!statusTransitions[round.status].includes(change.to)) {
        throw new RuleError({ key: 'errors.status.invalidTransition', params: { from: `status.${round.status}`, to: `status.${change.to}` } });
      }
      if (change.version !== undefined && change.version !== round.version) throw new ConflictError({ key: 'errors.staleVersion' });
      const at = nowIso(now());
      inTransaction(db, () => {
        if (!repository.setStatus(id, round.version, change.to, at)) throw new ConflictError({ key: 'errors.staleVersion' });
        repository.addStatusChange({ roundId: id, fromStatus: round.status, toStatus: change.to, changedAt: at, note: change.note });
      });
    },

    /** Which level of area a round on these dates should cover (for the form's hint). */
    levelForDate(date: string): 'district' | 'commune' {
      return date >= REFORM_DATE ? 'commune' : 'district';
    },
  };
}

export type RoundsService = ReturnType<typeof roundsService>;
