import type { AppDatabase } from '../../../db/client.js';
import { roles, type Role } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput, REFORM_DATE, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, hasErrors, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { searchKey, searchWords } from '../../lib/text.js';
import { areaExistsThroughout, type AreaCatalog, type AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type Snapshot } from '../audit/index.js';
import { submissionKeyPattern, formKeysRepository } from '../form-keys/index.js';
import type { Message, MessageKey } from '../../i18n/index.js';
import { roundsRepository, type RoundListFilter, type RoundRow, type RoundWrite } from './rounds.repository.js';
import { usersRepository } from '../users/index.js';
import { statusTransitions, type RoundAreasDraft, type RoundFormValues, type RoundInput, type RoundListQuery, type RoundStatus, type StatusChangeInput } from './rounds.schemas.js';
import type { AuditService } from '../audit/index.js';
import { roundsPolicy, type RoundAbilities } from './rounds.policy.js';

export interface RoundListItem extends RoundRow {
  areas: AreaRecord[];
}

export interface RoundDetail extends RoundListItem {
  team: ReturnType<ReturnType<typeof roundsRepository>['teamOf']>;
  history: ReturnType<ReturnType<typeof roundsRepository>['historyOf']>;
  nextStatuses: RoundStatus[];
}

/** A field someone else saved differently, with its saved value (a code to label when `vocabulary` is set). */
export interface ConflictDetail {
  field: MessageKey;
  saved: string;
  vocabulary?: 'round_kinds' | 'agencies' | 'round_purposes';
}

/** An account offered in a team picker: its name, and its email for an admin only. */
export interface TeamAccountOption {
  id: number;
  name: string;
  email?: string;
}

/** Accounts offered in a team picker. */
const TEAM_ROLES = ['inspector', 'department_head'] as const;

export interface RoundsServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  audit: AuditService;
  now?: () => Date;
}

export function roundsService({ db, catalog, audit, now = () => new Date() }: RoundsServiceDeps) {
  const repository = roundsRepository(db);
  const submissions = formKeysRepository(db);
  const users = usersRepository(db);

  /** What the audit trail keeps of a round: readable values, not ids. */
  function snapshot(round: RoundRow, areaIds: number[], team: RoundWrite['team']): Snapshot {
    return {
      title: round.title,
      decisionNumber: round.decisionNumber,
      kind: round.kind,
      purpose: round.purpose,
      startDate: round.startDate,
      endDate: round.endDate,
      leadAgency: round.leadAgency,
      objectives: round.objectives,
      areas: areasOf(areaIds).map((area) => area.name).join(', '),
      campaign: round.campaignId,
      team: team.map((member) => `${member.fullName} (${member.agency}, ${member.teamRole})`).join('; '),
      status: round.status,
    };
  }

  function snapshotById(id: number): Snapshot {
    const round = repository.findById(id, { all: true })!;
    const areaIds = repository.areaIdsByRound([id]).get(id) ?? [];
    return snapshot(round, areaIds, repository.teamOf(id));
  }

  function areasOf(ids: number[]): AreaRecord[] {
    return ids
      .map((id) => catalog.byId.get(id))
      .filter((area): area is AreaRecord => area !== undefined)
      .sort((a, b) => a.level.localeCompare(b.level) || a.nameKey.localeCompare(b.nameKey));
  }

  function toWrite(input: RoundInput): RoundWrite {
    const areaNames = areasOf(input.areaIds).map((area) => area.name);
    const searchText = searchKey(
      [input.title, input.decisionNumber, ...areaNames, ...input.team.map((member) => member.fullName)].join(' '),
    );
    return { ...input, searchText };
  }

  /**
   * The accounts this person may name on a team: active accounts of their area (everyone's for a province-wide
   * person), plus those already on the round being edited, so saving it keeps them. The picker offers the
   * inspectors and heads among them; the rule is about the area, so another role sent is not refused.
   */
  function pickableTeamAccounts(actor: Actor, options: { keptUserIds?: number[]; roles?: readonly Role[]; ids?: number[] } = {}) {
    const { keptUserIds = [], ids } = options;
    const pickable = users.activeInScope(options.roles ?? roles, actor.scope, ids ? { ids } : {});
    const known = new Set(pickable.map((account) => account.id));
    const kept = users.activeByIds(keptUserIds.filter((id) => !known.has(id) && (!ids || ids.includes(id))));
    if (kept.length === 0) return pickable;
    return [...pickable, ...kept].sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.id - b.id);
  }

  /**
   * The area rules, which need the province's units: areas of the province and of this person's scope, and
   * existing over the round's dates (districts before the reform, communes after). Added to `errors`; the
   * area-and-date rule is checked whenever both dates read and the areas are not refused already.
   */
  function addAreaErrors(actor: Actor, areas: RoundAreasDraft, errors: FieldErrors): void {
    const provinceName = catalog.province.name;
    for (const areaId of areas.areaIds) {
      const area = catalog.byId.get(areaId);
      if (!area || !catalog.isOffered(areaId)) {
        addFieldError(errors, 'areaIds', 'errors.areas.outside', { province: provinceName });
        break;
      }
      if (!scopeIncludes(actor.scope, areaId)) {
        addFieldError(errors, 'areaIds', 'errors.areas.outOfScope', { area: area.name });
        break;
      }
    }
    const { startDate, endDate } = areas;
    if (startDate && endDate && startDate <= endDate && !errors.areaIds) {
      for (const area of areasOf(areas.areaIds)) {
        if (areaExistsThroughout(area, startDate, endDate)) continue;
        const key = area.level === 'district' ? 'errors.areas.districtAfterReform' : 'errors.areas.communeBeforeReform';
        addFieldError(errors, 'areaIds', key, { area: area.name });
      }
    }
  }

  /** The rules of a round that need the records: its areas, its campaign (open, and covering its dates), and the accounts on its team. */
  function check(actor: Actor, input: RoundInput, current: { campaignId: number | null; teamUserIds: number[] } = { campaignId: null, teamUserIds: [] }): FormResult<RoundInput> {
    const errors: FieldErrors = {};
    addAreaErrors(actor, input, errors);
    if (input.campaignId !== null) {
      const campaign = repository.campaignPeriod(input.campaignId);
      if (!campaign) addFieldError(errors, 'campaignId', 'errors.outreach.campaign');
      else if (campaign.status === 'closed' && input.campaignId !== current.campaignId) addFieldError(errors, 'campaignId', 'errors.campaign.closed');
      else if (input.startDate < campaign.startDate || input.endDate > campaign.endDate) {
        addFieldError(errors, 'campaignId', 'errors.round.outsideCampaign', { from: formatDate(campaign.startDate), to: formatDate(campaign.endDate) });
      }
    }
    // A team member linked to an account must be one this person may pick (an active account of their area, or
    // one already on the round); an empty name takes the account's name. Nothing tells whether another id exists.
    const team = input.team.map((member) => ({ ...member }));
    if (team.some((member) => member.userId !== null)) {
      const named = team.flatMap((member) => (member.userId === null ? [] : [member.userId]));
      const pickable = new Map(pickableTeamAccounts(actor, { keptUserIds: current.teamUserIds, ids: named }).map((account) => [account.id, account]));
      team.forEach((member, index) => {
        if (member.userId === null) return;
        const account = pickable.get(member.userId);
        if (!account) {
          const kept = current.teamUserIds.includes(member.userId);
          addFieldError(errors, 'team', kept ? 'errors.team.unknownUser' : 'errors.team.notPickable', { row: index + 1 });
        } else if (!member.fullName) member.fullName = account.name;
      });
    }
    if (hasErrors(errors)) return { ok: false, errors };
    return { ok: true, value: { ...input, team } };
  }

  function load(actor: Actor, id: number): RoundRow {
    const round = repository.findById(id, actor.scope);
    if (!round) throw new NotFoundError('round');
    return round;
  }

  function insertAudited(actor: Actor, input: RoundInput, status: RoundStatus, isSample: boolean): number {
    // A sample round's history is dated on its (illustrative) last day, not on the day the sample was loaded.
    const at = isSample ? `${input.endDate}T10:00:00.000Z` : nowIso(now());
    return inTransaction(db, () => {
      const roundId = repository.insert(toWrite(input), { status, isSample, at });
      repository.addStatusChange({ roundId, fromStatus: null, toStatus: status, changedAt: at, note: '' });
      audit.record(actor, { action: 'create', recordType: 'round', recordId: roundId, changes: diff(null, snapshotById(roundId)), areaIds: input.areaIds });
      return roundId;
    });
  }

  const service = {
    catalog,

    /** The districts and communes a user may pick or filter by: those of their scope. */
    areaOptions(actor: Actor): { districts: AreaRecord[]; communes: AreaRecord[] } {
      const inScope = (area: AreaRecord) => scopeIncludes(actor.scope, area.id);
      return { districts: catalog.districts.filter(inScope), communes: catalog.communes.filter(inScope) };
    },

    listRounds(actor: Actor, query: RoundListQuery): Page<RoundListItem> {
      const filter: RoundListFilter = { scope: actor.scope, words: searchWords(query.q) };
      if (query.status) filter.status = query.status;
      if (query.kind) filter.kind = query.kind;
      if (query.purpose) filter.purpose = query.purpose;
      if (query.year) filter.overlaps = { from: `${query.year}-01-01`, to: `${query.year}-12-31` };
      if (query.area) filter.areaIds = catalog.filterIds(query.area);
      const startFrom = query.from ? parseDateInput(query.from) : null;
      const startTo = query.to ? parseDateInput(query.to) : null;
      if (startFrom) filter.startFrom = startFrom;
      if (startTo) filter.startTo = startTo;
      if (query.held) filter.held = true;
      if (query.campaign) filter.campaignId = query.campaign;
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const areaIds = repository.areaIdsByRound(rows.map((row) => row.id));
      const items = rows.map((row) => ({ ...row, areas: areasOf(areaIds.get(row.id) ?? []) }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** A round this person may see with the ids of its areas, or undefined (another area's round is not found). */
    findRound(actor: Actor, id: number): (RoundRow & { areaIds: number[] }) | undefined {
      const round = repository.findById(id, actor.scope);
      return round ? { ...round, areaIds: repository.areaIdsByRound([id]).get(id) ?? [] } : undefined;
    },

    /** The newest rounds this person may see, as a picker's or a filter's options. */
    roundOptions(actor: Actor, limit: number): Array<{ id: number; title: string; startDate: string }> {
      return repository.options(actor.scope, limit);
    },

    /** The newest rounds this person may see that cover one of these areas. */
    roundsCovering(actor: Actor, areaIds: number[], limit: number): RoundRow[] {
      return repository.list({ scope: actor.scope, words: [], areaIds }, limit, 0);
    },

    /** Rounds this person may see over part of a period (YYYY-MM-DD, inclusive), optionally in one area and what it covers. */
    roundsBetween(actor: Actor, from: string, to: string, areaId: number | undefined, limit: number): RoundRow[] {
      const areaIds = areaId ? catalog.filterIds(areaId) : undefined;
      return repository.list({ scope: actor.scope, words: [], overlaps: { from, to }, ...(areaIds ? { areaIds } : {}) }, limit, 0);
    },

    /** Years a user may filter by: every year with a round, and the current one. */
    yearOptions(actor: Actor): number[] {
      const range = repository.yearRange(actor.scope);
      const thisYear = Number(todayInVietnam(now()).slice(0, 4));
      const first = range.first ? Math.min(Number(range.first.slice(0, 4)), thisYear) : thisYear;
      const last = range.last ? Math.max(Number(range.last.slice(0, 4)), thisYear) : thisYear;
      const years: number[] = [];
      for (let year = last; year >= first && years.length < 50; year -= 1) years.push(year);
      return years;
    },

    statusCounts(actor: Actor): Record<string, number> {
      return repository.countByStatus(actor.scope);
    },

    /** The rounds under way on whose team this person is, with their areas (what a phone prepares for offline work). */
    inProgressForMember(actor: Actor): RoundListItem[] {
      if (actor.userId === null) return [];
      const open = repository.openForUser(actor.userId, actor.scope).filter((round) => round.status === 'in_progress');
      const areaIds = repository.areaIdsByRound(open.map((round) => round.id));
      return open.map((round) => ({ ...round, areas: areasOf(areaIds.get(round.id) ?? []) }));
    },

    getRound(actor: Actor, id: number): RoundDetail {
      const round = load(actor, id);
      const areaIds = repository.areaIdsByRound([id]).get(id) ?? [];
      return {
        ...round,
        areas: areasOf(areaIds),
        team: repository.teamOf(id),
        history: repository.historyOf(id),
        nextStatuses: statusTransitions[round.status],
      };
    },

    /** What this person may do on the round's page (the template shows only these). */
    abilities(actor: Actor, round: RoundRow): RoundAbilities {
      return roundsPolicy.abilities(actor, round);
    },

    /** The form values of a stored round, for its edit page. */
    formValuesOf(round: RoundDetail): RoundFormValues {
      return {
        title: round.title,
        decisionNumber: round.decisionNumber,
        kind: round.kind,
        purpose: round.purpose,
        areaIds: round.areas.map((area) => String(area.id)),
        startDate: formatDate(round.startDate),
        endDate: formatDate(round.endDate),
        leadAgency: round.leadAgency,
        objectives: round.objectives,
        team: round.team.map((member) => ({ fullName: member.fullName, agency: member.agency, teamRole: member.teamRole, userId: member.userId === null ? '' : String(member.userId) })),
        version: String(round.version),
        campaignId: round.campaignId === null ? '' : String(round.campaignId),
        submissionKey: '',
      };
    },

    /**
     * The area rules over a form whose own fields were refused, added to those errors, so every mistake shows on
     * the first submit rather than one after another.
     */
    addAreaErrors(actor: Actor, areas: RoundAreasDraft, errors: FieldErrors): FieldErrors {
      addAreaErrors(actor, areas, errors);
      return errors;
    },

    /**
     * The round a form with this one-time key already created, if any (a key used for another kind of form is
     * refused with 409). Asked before the form is read, so a repeated form answers as the first one did.
     */
    createdWith(actor: Actor, submissionKey: string): number | undefined {
      return submissionKeyPattern.test(submissionKey) ? submissions.find(submissionKey, actor.userId, 'round') : undefined;
    },

    /** Creates a round; the same form sent twice (same submission key) answers with the round the first one made. */
    createRound(actor: Actor, input: RoundInput, submissionKey: string): FormResult<{ id: number }> {
      const key = submissionKeyPattern.test(submissionKey) ? submissionKey : null;
      const earlier = key ? submissions.find(key, actor.userId, 'round') : undefined;
      if (earlier !== undefined) return { ok: true, value: { id: earlier } };
      const result = check(actor, input);
      if (!result.ok) return result;
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, 'round') : undefined;
        if (again !== undefined) return again;
        const roundId = insertAudited(actor, result.value, 'planned', false);
        if (key) submissions.remember(key, actor.userId, 'round', roundId, nowIso(now()));
        return roundId;
      });
      return { ok: true, value: { id } };
    },

    /**
     * For a form refused as stale: the fields whose saved value differs from what this person typed,
     * with the saved value, so they see what the other person changed before saving again.
     */
    conflictDetails(actor: Actor, id: number, typed: RoundFormValues): ConflictDetail[] {
      const round = this.getRound(actor, id);
      const saved = this.formValuesOf(round);
      const details: ConflictDetail[] = [];
      const compare = (field: MessageKey, mine: string, theirs: string, shown = theirs, vocabulary?: ConflictDetail['vocabulary']) => {
        if (mine.trim() !== theirs.trim()) details.push({ field, saved: shown, ...(vocabulary ? { vocabulary } : {}) });
      };
      compare('rounds.field.title', typed.title, saved.title);
      compare('rounds.field.decisionNumber', typed.decisionNumber, saved.decisionNumber);
      compare('rounds.field.kind', typed.kind, saved.kind, saved.kind, 'round_kinds');
      compare('rounds.field.purpose', typed.purpose || 'venue_check', saved.purpose, saved.purpose, 'round_purposes');
      compare('rounds.field.startDate', formatDate(parseDateInput(typed.startDate) ?? typed.startDate), saved.startDate);
      compare('rounds.field.endDate', formatDate(parseDateInput(typed.endDate) ?? typed.endDate), saved.endDate);
      compare('rounds.field.areas', [...typed.areaIds].sort().join(), [...saved.areaIds].sort().join(), round.areas.map((area) => area.name).join(', '));
      compare('rounds.field.leadAgency', typed.leadAgency, saved.leadAgency, saved.leadAgency, 'agencies');
      compare('rounds.field.objectives', typed.objectives, saved.objectives);
      const teamText = (team: RoundFormValues['team']) =>
        team.filter((member) => member.fullName.trim() || member.userId).map((member) => `${member.fullName.trim()} (${member.agency}, ${member.teamRole}, ${member.userId})`).join('; ');
      compare('rounds.field.team', teamText(typed.team), teamText(saved.team), round.team.map((member) => member.fullName).join(', '));
      return details;
    },

    /** Writes one round of the bundled sample history (trusted, typed input; the source gives no lead agency). */
    importSampleRound(actor: Actor, input: RoundInput, status: RoundStatus): number {
      return insertAudited(actor, input, status, true);
    },

    /** A round about to be edited: 404 when this person may not see it, 409 when it is cancelled (read-only). */
    editableRound(actor: Actor, id: number): RoundRow {
      const round = load(actor, id);
      if (!roundsPolicy.isEditable(round)) throw new StateError({ key: 'rounds.readOnly' });
      return round;
    },

    /** Saves an edit; throws ConflictError when the round changed since the form was loaded (its version). */
    updateRound(actor: Actor, id: number, input: RoundInput, expectedVersion: number): FormResult<{ id: number }> {
      const round = this.editableRound(actor, id);
      const teamUserIds = repository.teamOf(id).flatMap((member) => (member.userId === null ? [] : [member.userId]));
      const result = check(actor, input, { campaignId: round.campaignId, teamUserIds });
      if (!result.ok) return result;
      if (!Number.isInteger(expectedVersion) || expectedVersion !== round.version) throw new ConflictError({ key: 'errors.staleVersion' });
      inTransaction(db, () => {
        const before = snapshotById(id);
        const beforeAreas = repository.areaIdsByRound([id]).get(id) ?? [];
        if (!repository.update(id, expectedVersion, toWrite(result.value), nowIso(now()))) throw new ConflictError({ key: 'errors.staleVersion' });
        audit.record(actor, {
          action: 'update',
          recordType: 'round',
          recordId: id,
          changes: diff(before, snapshotById(id)),
          areaIds: [...beforeAreas, ...result.value.areaIds],
        });
      });
      return { ok: true, value: { id } };
    },

    /** Moves a round along planned → in_progress → completed, or to cancelled, recording who and when. */
    changeStatus(actor: Actor, id: number, change: StatusChangeInput): void {
      const round = load(actor, id);
      if (!statusTransitions[round.status].includes(change.to)) {
        throw new StateError({ key: 'errors.status.invalidTransition', params: { from: `status.${round.status}`, to: `status.${change.to}` } });
      }
      if (change.version !== undefined && change.version !== round.version) throw new ConflictError({ key: 'errors.staleVersion' });
      const at = nowIso(now());
      inTransaction(db, () => {
        if (!repository.setStatus(id, round.version, change.to, at)) throw new ConflictError({ key: 'errors.staleVersion' });
        repository.addStatusChange({ roundId: id, fromStatus: round.status, toStatus: change.to, changedAt: at, note: change.note });
        audit.record(actor, {
          action: 'status',
          recordType: 'round',
          recordId: id,
          changes: { status: [round.status, change.to], ...(change.note ? { note: [null, change.note] } : {}) },
          areaIds: repository.areaIdsByRound([id]).get(id) ?? [],
        });
      });
    },

    /**
     * Warnings (never blocking) for a round being scheduled: another round in the same area on overlapping days,
     * or its head of team already on another round those days. A round this person may not see is never described:
     * they are told only that a clash exists outside their area.
     */
    overlapWarnings(actor: Actor, values: RoundFormValues, excludeId: number | null): Message[] {
      const from = parseDateInput(values.startDate);
      const to = parseDateInput(values.endDate);
      if (!from || !to || to < from) return [];
      const areaIds = [...new Set(values.areaIds.filter((id) => /^\d{1,9}$/.test(id)).map(Number))].filter((id) => catalog.isOffered(id));
      const related = [...new Set(areaIds.flatMap((id) => catalog.relatedAreas(id)))];
      const areaClashes = repository.overlapping(from, to, related, excludeId);
      const leads = values.team.filter((member) => member.teamRole === 'head' && (member.fullName.trim() || member.userId));
      const leadClashes = leads.map((lead) => {
        const userId = /^\d{1,9}$/.test(lead.userId) ? Number(lead.userId) : null;
        return { lead, userId, rounds: repository.overlappingForMember(from, to, { userId, fullName: lead.fullName.trim() }, excludeId) };
      });
      const visible = repository.visibleIds([...areaClashes, ...leadClashes.flatMap((clash) => clash.rounds)].map((round) => round.id), actor.scope);
      const warnings: Message[] = [];
      let elsewhere = false;
      for (const other of areaClashes) {
        if (!visible.has(other.id)) elsewhere = true;
        else warnings.push({ key: 'rounds.warning.areaOverlap', params: { title: other.title, from: formatDate(other.startDate), to: formatDate(other.endDate) } });
      }
      for (const { lead, userId, rounds } of leadClashes) {
        for (const other of rounds) {
          if (!visible.has(other.id)) {
            elsewhere = true;
            continue;
          }
          // The account's name is shown only beside a round this person sees, whose team shows it anyway.
          const name = lead.fullName.trim() || (userId ? (users.findById(userId)?.name ?? '') : '');
          warnings.push({ key: 'rounds.warning.leadBusy', params: { name, title: other.title, from: formatDate(other.startDate), to: formatDate(other.endDate) } });
        }
      }
      if (elsewhere) warnings.push({ key: 'rounds.warning.elsewhere' });
      return warnings;
    },

    /** Accounts to offer in the team rows: names, and emails for an admin only. */
    teamAccounts(actor: Actor, keptUserIds: number[] = []): TeamAccountOption[] {
      const showEmail = actor.role === 'admin';
      return pickableTeamAccounts(actor, { keptUserIds, roles: TEAM_ROLES }).map((account) => (showEmail ? { id: account.id, name: account.name, email: account.email } : { id: account.id, name: account.name }));
    },

    /** Which level of area a round on these dates should cover (for the form's hint). */
    levelForDate(date: string): 'district' | 'commune' {
      return date >= REFORM_DATE ? 'commune' : 'district';
    },
  };
  return service;
}

export type RoundsService = ReturnType<typeof roundsService>;
