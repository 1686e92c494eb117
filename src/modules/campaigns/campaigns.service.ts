import type { AppDatabase } from '../../../db/client.js';
import { campaignStatuses, type CampaignStatus } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso } from '../../lib/dates.js';
import { ConflictError, ForbiddenError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import { rollupDistrict, scopeIncludes, type AreaScope } from '../../access/scope.js';
import { diff, type Snapshot } from '../audit/index.js';
import { onceFor } from '../form-keys/index.js';
import { usersRepository } from '../users/index.js';
import { campaignsPolicy } from './campaigns.policy.js';
import { metrics, type CampaignFormValues, type CampaignInput, type CampaignListQuery, type Metric, type TargetFormRow, type TargetsInput } from './campaigns.schemas.js';
import { campaignsRepository, type CampaignRow, type CampaignWrite, type TargetRow } from './campaigns.repository.js';
import type { AuditService } from '../audit/index.js';

export type { CampaignRow, TargetRow };
export { metrics };

export const campaignTransitions: Record<CampaignStatus, CampaignStatus[]> = { draft: ['active'], active: ['closed'], closed: [] };

export interface ProgressRow {
  area: AreaRecord;
  target: Record<Metric, number>;
  actual: Record<Metric, number>;
  /** Share of each target reached, 0…1 (a metric without a target counts as reached). */
  ratio: Record<Metric, number>;
}

export interface CampaignProgress {
  rows: ProgressRow[];
  totals: { target: Record<Metric, number>; actual: Record<Metric, number> };
  /** The mean, over metrics that have targets, of the share reached (each capped at 100%). */
  overall: number | null;
}

function zeroMetrics(): Record<Metric, number> {
  return { rounds: 0, venues: 0, sessions: 0, participants: 0 };
}

/** Accounts that may own a campaign. */
const OWNER_ROLES = ['admin', 'department_head'] as const;

/** What a person may do on a campaign's page, computed once for the template. */
export interface CampaignAbilities {
  edit: boolean;
  changeStatus: boolean;
  setTargets: boolean;
  addOutreach: boolean;
}

export function campaignsService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const accounts = usersRepository(db);
  const repository = campaignsRepository(db);

  /** The area of a campaign's owner (null for no owner or an owner of the whole province). */
  function ownerAreaOf(campaign: CampaignRow): number | null {
    return campaign.ownerId === null ? null : (accounts.findById(campaign.ownerId)?.areaId ?? null);
  }

  /** Loads a campaign this person is about to change, refusing (403) one of the province or of another area. */
  function loadForChange(actor: Actor, id: number): CampaignRow {
    const campaign = load(id);
    const refusal = campaignsPolicy.refusal(actor, ownerAreaOf(campaign), catalog);
    if (refusal) throw new ForbiddenError(refusal);
    return campaign;
  }

  /** The accounts this person may name as owner: active admins and heads of their area (everyone's for the province). */
  function ownerOptions(actor: Actor): Array<{ id: number; name: string }> {
    return accounts.activeInScope(OWNER_ROLES, actor.scope).map((account) => ({ id: account.id, name: account.name }));
  }

  function snapshot(campaign: CampaignRow): Snapshot {
    return { title: campaign.title, planNumber: campaign.planNumber, kind: campaign.kind, startDate: campaign.startDate, endDate: campaign.endDate, description: campaign.description, status: campaign.status };
  }

  function load(id: number): CampaignRow {
    const campaign = repository.findById(id);
    if (!campaign) throw new NotFoundError('campaign');
    return campaign;
  }

  /**
   * The owner decides whose campaign it is: someone this person may pick, and, for a person of one area, someone
   * of that area (no owner would make it province-wide, out of their hands).
   */
  function check(actor: Actor, input: CampaignInput): FormResult<CampaignWrite> {
    const errors: FieldErrors = {};
    if (input.ownerId !== null) {
      const owner = accounts.activeInScope(OWNER_ROLES, actor.scope, { ids: [input.ownerId] })[0];
      if (!owner) addFieldError(errors, 'ownerId', 'errors.campaign.ownerNotPickable');
    } else if (!campaignsPolicy.worksProvinceWide(actor)) {
      addFieldError(errors, 'ownerId', 'errors.campaign.ownerRequiredInArea');
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return { ok: true, value: input };
  }

  return {
    listCampaigns(query: CampaignListQuery, scope: AreaScope): Page<CampaignRow & { progress: CampaignProgress }> {
      const filter = { ...(query.status ? { status: query.status } : {}), ...(query.year ? { year: query.year } : {}) };
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const progress = this.progressOf(rows.map((row) => row.id), scope);
      const items = rows.map((row) => ({ ...row, progress: progress.get(row.id)! }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** Campaigns a round or an activity can be put in (not closed, and the one it is in already), newest first. */
    options(currentId: string | number | null = null): CampaignRow[] {
      const current = /^\d{1,9}$/.test(String(currentId ?? '')) ? Number(currentId) : -1;
      return repository.openOrId(current);
    },

    all(): CampaignRow[] {
      return repository.all(500);
    },

    getCampaign(id: number): CampaignRow & { ownerName: string | null; ownerAreaId: number | null; targets: TargetRow[] } {
      const campaign = load(id);
      const owner = campaign.ownerId ? repository.ownerOf(campaign.ownerId) : undefined;
      const targets = repository.targetsOf([id]);
      return { ...campaign, ownerName: owner?.name ?? null, ownerAreaId: owner?.areaId ?? null, targets };
    },

    /** A campaign to show in its edit form; 403 when this person may not change it. */
    getCampaignToChange(actor: Actor, id: number) {
      loadForChange(actor, id);
      return this.getCampaign(id);
    },

    /** What this person may do on the campaign's page (the template shows only these). */
    abilities(actor: Actor, campaign: CampaignRow & { ownerAreaId: number | null }): CampaignAbilities {
      const change = campaignsPolicy.canChange(actor, campaign.ownerAreaId, catalog);
      return {
        edit: change,
        changeStatus: change && campaignTransitions[campaign.status].length > 0,
        setTargets: can(actor.role, 'campaigns.write'),
        addOutreach: can(actor.role, 'outreach.write') && campaign.status !== 'closed',
      };
    },

    formValuesOf(campaign: CampaignRow): CampaignFormValues {
      return {
        title: campaign.title,
        planNumber: campaign.planNumber,
        kind: campaign.kind,
        startDate: formatDate(campaign.startDate),
        endDate: formatDate(campaign.endDate),
        ownerId: campaign.ownerId === null ? '' : String(campaign.ownerId),
        description: campaign.description,
        version: String(campaign.version),
        submissionKey: '',
      };
    },

    /** Creates a campaign; the same form sent twice (same one-time key) answers with the campaign the first one made. */
    createCampaign(actor: Actor, input: CampaignInput, options: { submissionKey?: string; isSample?: boolean; status?: CampaignStatus } = {}): FormResult<{ id: number }> {
      const result = check(actor, input);
      if (!result.ok) return result;
      const at = nowIso(now());
      const id = inTransaction(db, () =>
        onceFor(db, options.submissionKey, actor.userId, 'campaign', () => {
          const row = repository.insert(result.value, { status: options.status ?? 'draft', isSample: options.isSample ?? false, at });
          audit.record(actor, { action: 'create', recordType: 'campaign', recordId: row.id, changes: diff(null, snapshot(row)) });
          return row.id;
        }, at),
      );
      return { ok: true, value: { id } };
    },

    /** Saves an edit; throws ConflictError when the campaign changed since the form was loaded (its version). */
    updateCampaign(actor: Actor, id: number, input: CampaignInput, expectedVersion: number): FormResult<{ id: number }> {
      const campaign = loadForChange(actor, id);
      const result = check(actor, input);
      if (!result.ok) return result;
      const outside = repository.workOutside(id, result.value.startDate, result.value.endDate);
      if (outside.rounds + outside.activities > 0) {
        const errors: FieldErrors = {};
        addFieldError(errors, 'startDate', 'errors.campaign.workOutside', outside);
        return { ok: false, errors };
      }
      if (expectedVersion !== campaign.version) throw new ConflictError();
      inTransaction(db, () => {
        if (!repository.update(id, campaign.version, result.value, nowIso(now()))) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: 'campaign', recordId: id, changes: diff(snapshot(campaign), snapshot(load(id))) });
      });
      return { ok: true, value: { id } };
    },

    changeStatus(actor: Actor, id: number, to: string): void {
      const campaign = loadForChange(actor, id);
      if (!(campaignStatuses as readonly string[]).includes(to)) throw new StateError({ key: 'errors.unknownStatus' });
      if (!(campaignTransitions[campaign.status] as string[]).includes(to)) {
        throw new StateError({ key: 'errors.campaign.transition', params: { from: `campaignStatus.${campaign.status}`, to: `campaignStatus.${to}` } });
      }
      inTransaction(db, () => {
        repository.setStatus(id, to as CampaignStatus, nowIso(now()));
        audit.record(actor, { action: 'status', recordType: 'campaign', recordId: id, changes: { status: [campaign.status, to] } });
      });
    },

    /**
     * Replaces the targets of the areas the person may see from the form's rows (area, four numbers); a row of
     * zeros is dropped; other areas' targets stay as they are. Errors are keyed by row and column.
     */
    saveTargets(actor: Actor, id: number, rows: TargetsInput): FormResult<null> {
      load(id);
      const errors: FieldErrors = {};
      const parsed = new Map<number, Record<Metric, number>>();
      rows.forEach(({ row: index, areaId, values }) => {
        const area = areaId === null ? undefined : catalog.byId.get(areaId);
        if (!area || !catalog.isOffered(area.id) || !scopeIncludes(actor.scope, area.id)) {
          addFieldError(errors, `targetArea_${index}`, 'errors.campaign.targetArea');
          return;
        }
        if (parsed.has(area.id)) addFieldError(errors, `targetArea_${index}`, 'errors.campaign.targetTwice', { area: area.name });
        if (metrics.some((metric) => values[metric] > 0)) parsed.set(area.id, values);
      });
      if (Object.keys(errors).length > 0) {
        addFieldError(errors, 'targets', 'errors.campaign.targetsInvalid');
        return { ok: false, errors };
      }
      inTransaction(db, () => {
        const before = repository.targetsOf([id]);
        const mine = before.filter((target) => scopeIncludes(actor.scope, target.areaId));
        repository.replaceTargets(id, mine.map((target) => target.areaId), [...parsed].map(([areaId, values]) => ({ areaId, ...values })));
        const describe = (list: Array<{ areaId: number } & Record<Metric, number>>) =>
          list.map((row) => `${catalog.byId.get(row.areaId)?.name}: ${metrics.map((metric) => row[metric]).join('/')}`).sort().join('; ');
        audit.record(actor, {
          action: 'update',
          recordType: 'campaign',
          recordId: id,
          changes: { targets: [describe(mine), describe([...parsed].map(([areaId, values]) => ({ areaId, ...values })))] },
          areaIds: [...new Set([...mine.map((target) => target.areaId), ...parsed.keys()])],
        });
      });
      return { ok: true, value: null };
    },

    /** The targets the person may see, as the form shows them. */
    targetRowsOf(campaign: { targets: TargetRow[] }, scope: AreaScope): TargetFormRow[] {
      return campaign.targets
        .filter((target) => scopeIncludes(scope, target.areaId))
        .map((target) => ({ areaId: String(target.areaId), rounds: String(target.rounds), venues: String(target.venues), sessions: String(target.sessions), participants: String(target.participants) }));
    },

    /**
     * Target against actual per area, limited to the areas the person may see. Actual counts: rounds of the
     * campaign held (in progress or completed) covering the area; distinct venues with an approved (and not superseded) report in
     * the campaign's rounds; outreach sessions and participants of the campaign. A district's figures include
     * the communes formed from it. Work in an area without a target shows under its district, with no target.
     */
    progress(id: number, scope: AreaScope): CampaignProgress {
      return this.progressOf([id], scope).get(id)!;
    },

    /** The progress of several campaigns in the same four grouped queries (a list page never asks per row). */
    progressOf(ids: number[], scope: AreaScope): Map<number, CampaignProgress> {
      const result = new Map<number, CampaignProgress>();
      if (ids.length === 0) return result;
      const visible = (areaId: number) => scopeIncludes(scope, areaId);
      const targets = repository.targetsOf(ids).filter((target) => visible(target.areaId));
      const roundPairs = repository.heldRoundAreas(ids).filter((pair) => visible(pair.areaId));
      const venuesByArea = repository.venuesCheckedByArea(ids).filter((row) => visible(row.areaId));
      const outreachByArea = repository.outreachByArea(ids).filter((row) => visible(row.areaId));

      for (const id of ids) {
        // Each row's areas: a target's area (with its communes); then the districts of work outside every target.
        const rowAreas = new Map<number, { target: Record<Metric, number>; areaIds: Set<number> }>();
        for (const target of targets) {
          if (target.campaignId !== id || !catalog.byId.has(target.areaId)) continue;
          rowAreas.set(target.areaId, {
            target: { rounds: target.rounds, venues: target.venues, sessions: target.sessions, participants: target.participants },
            areaIds: new Set(catalog.filterIds(target.areaId)),
          });
        }
        const rowOf = (areaId: number): number | undefined => {
          for (const [rowId, row] of rowAreas) if (row.areaIds.has(areaId)) return rowId;
          if (!catalog.byId.has(areaId)) return undefined;
          const district = rollupDistrict(catalog, areaId, scope) ?? areaId;
          if (!rowAreas.has(district)) rowAreas.set(district, { target: zeroMetrics(), areaIds: new Set() });
          return district;
        };
        const actuals = new Map<number, Record<Metric, number>>();
        const actualOfRow = (rowId: number) => {
          if (!actuals.has(rowId)) actuals.set(rowId, zeroMetrics());
          return actuals.get(rowId)!;
        };
        const actualOf = (areaId: number) => {
          const rowId = rowOf(areaId);
          return rowId === undefined ? zeroMetrics() : actualOfRow(rowId);
        };
        const roundsPerRow = new Map<number, Set<number>>();
        for (const pair of roundPairs) {
          if (pair.campaignId !== id) continue;
          const rowId = rowOf(pair.areaId);
          if (rowId === undefined) continue;
          if (!roundsPerRow.has(rowId)) roundsPerRow.set(rowId, new Set());
          roundsPerRow.get(rowId)!.add(pair.roundId);
        }
        for (const [rowId, set] of roundsPerRow) actualOfRow(rowId).rounds = set.size;
        // A visit before the reform to a venue now in a new commune counts under the old district, never the commune.
        const unitOfVisit = (row: { areaId: number; before: number }) =>
          row.before && catalog.byId.get(row.areaId)?.level === 'commune' ? (rollupDistrict(catalog, row.areaId, scope) ?? row.areaId) : row.areaId;
        for (const row of venuesByArea) if (row.campaignId === id) actualOf(unitOfVisit(row)).venues += row.venues;
        for (const row of outreachByArea) {
          if (row.campaignId !== id) continue;
          const actual = actualOf(row.areaId);
          actual.sessions += row.sessions;
          actual.participants += row.participants;
        }

        const rows: ProgressRow[] = [...rowAreas]
          .map(([areaId, row]) => {
            const actual = actuals.get(areaId) ?? zeroMetrics();
            const ratio = Object.fromEntries(metrics.map((metric) => [metric, row.target[metric] > 0 ? Math.min(actual[metric] / row.target[metric], 1) : 1])) as Record<Metric, number>;
            return { area: catalog.byId.get(areaId)!, target: row.target, actual, ratio };
          })
          .sort((a, b) => a.area.level.localeCompare(b.area.level) || a.area.code.localeCompare(b.area.code));

        const totals = { target: zeroMetrics(), actual: zeroMetrics() };
        for (const row of rows) for (const metric of metrics) {
          totals.target[metric] += row.target[metric];
          totals.actual[metric] += row.actual[metric];
        }
        // The campaign's rounds, each once even when it covers several areas.
        totals.actual.rounds = new Set(roundPairs.filter((pair) => pair.campaignId === id).map((pair) => pair.roundId)).size;
        const reached = metrics.filter((metric) => totals.target[metric] > 0).map((metric) => {
          const capped = rows.reduce((sum, row) => sum + Math.min(row.actual[metric], row.target[metric]), 0);
          return capped / totals.target[metric];
        });
        result.set(id, { rows, totals, overall: reached.length > 0 ? reached.reduce((sum, value) => sum + value, 0) / reached.length : null });
      }
      return result;
    },

    /** The campaign's rounds the person may see. */
    roundsOf(id: number, scope: AreaScope) {
      return repository.roundsOf(id, scope);
    },

    /** The owner picker: names only, of people this person may name. */
    owners(actor: Actor): Array<{ id: number; name: string }> {
      return ownerOptions(actor);
    },
  };
}

export type CampaignsService = ReturnType<typeof campaignsService>;
