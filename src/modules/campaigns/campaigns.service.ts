import { and, asc, desc, eq, gte, inArray, lte, ne, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDatabase } from '../../../db/client.js';
import { campaigns, campaignStatuses, campaignTargets, checks, outreachActivities, roundAreas, rounds, users, type CampaignStatus } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput } from '../../lib/dates.js';
import { ConflictError, NotFoundError, RuleError } from '../../lib/errors.js';
import { addFieldError, asList, asText, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import type { AreaCatalog, AreaRecord } from '../areas/areas.service.js';
import type { Actor } from '../auth/actor.js';
import { scopeIncludes } from '../auth/scope.js';
import { auditService, diff, type Snapshot } from '../audit/audit.service.js';
import { onceFor } from '../submissions/submissions.repository.js';

export type CampaignRow = typeof campaigns.$inferSelect;
export type TargetRow = typeof campaignTargets.$inferSelect;

export const metrics = ['rounds', 'venues', 'sessions', 'participants'] as const;
export type Metric = (typeof metrics)[number];

export const campaignTransitions: Record<CampaignStatus, CampaignStatus[]> = { draft: ['active'], active: ['closed'], closed: [] };

export interface CampaignFormValues {
  title: string;
  planNumber: string;
  kind: string;
  startDate: string;
  endDate: string;
  ownerId: string;
  description: string;
  version: string;
  submissionKey: string;
}

export function readCampaignForm(body: unknown): CampaignFormValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const fields = ['title', 'planNumber', 'kind', 'startDate', 'endDate', 'ownerId', 'description', 'version', 'submissionKey'] as const;
  return Object.fromEntries(fields.map((field) => [field, asText(form[field])])) as unknown as CampaignFormValues;
}

export const campaignListQuerySchema = z.object({
  status: z.enum(campaignStatuses).optional().catch(undefined),
  year: z.coerce.number().int().min(1900).max(2199).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type CampaignListQuery = z.infer<typeof campaignListQuerySchema>;

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

export function campaignsService({ db, catalog, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; now?: () => Date }) {
  const audit = auditService(db, now);

  function snapshot(campaign: CampaignRow): Snapshot {
    return { title: campaign.title, planNumber: campaign.planNumber, kind: campaign.kind, startDate: campaign.startDate, endDate: campaign.endDate, description: campaign.description, status: campaign.status };
  }

  function load(id: number): CampaignRow {
    const campaign = db.select().from(campaigns).where(eq(campaigns.id, id)).get();
    if (!campaign) throw new NotFoundError('campaign');
    return campaign;
  }

  function validate(values: CampaignFormValues): FormResult<Omit<CampaignRow, 'id' | 'version' | 'status' | 'isSample' | 'createdAt' | 'updatedAt'>> {
    const errors: FieldErrors = {};
    const title = cleanText(values.title);
    if (!title) addFieldError(errors, 'title', 'errors.campaign.titleRequired');
    else if (title.length > 200) addFieldError(errors, 'title', 'errors.title.tooLong');
    const planNumber = cleanText(values.planNumber);
    if (planNumber.length > 100) addFieldError(errors, 'planNumber', 'errors.decisionNumber.tooLong');
    if (!vocabularyCodes('campaign_kinds').includes(values.kind)) addFieldError(errors, 'kind', 'errors.campaign.kind');
    const startDate = parseDateInput(values.startDate);
    const endDate = parseDateInput(values.endDate);
    for (const [field, raw, parsed] of [['startDate', values.startDate, startDate], ['endDate', values.endDate, endDate]] as const) {
      if (!raw.trim()) addFieldError(errors, field, 'errors.date.required');
      else if (!parsed) addFieldError(errors, field, 'errors.date.invalid');
    }
    if (startDate && endDate && endDate < startDate) addFieldError(errors, 'endDate', 'errors.endBeforeStart');
    let ownerId: number | null = null;
    if (values.ownerId) {
      const owner = /^\d{1,9}$/.test(values.ownerId) ? db.select().from(users).where(eq(users.id, Number(values.ownerId))).get() : undefined;
      if (!owner || owner.disabledAt) addFieldError(errors, 'ownerId', 'errors.followUp.user');
      else ownerId = owner.id;
    }
    const description = values.description.trim();
    if (description.length > 5000) addFieldError(errors, 'description', 'errors.tooLong', { max: 5000 });
    if (Object.keys(errors).length > 0 || !startDate || !endDate) return { ok: false, errors };
    return { ok: true, value: { title, planNumber, kind: values.kind, startDate, endDate, ownerId, description } };
  }

  return {
    listCampaigns(query: CampaignListQuery): Page<CampaignRow & { progress: CampaignProgress }> {
      const parts: SQL[] = [];
      if (query.status) parts.push(eq(campaigns.status, query.status));
      if (query.year) parts.push(lte(campaigns.startDate, `${query.year}-12-31`), gte(campaigns.endDate, `${query.year}-01-01`));
      const where = parts.length > 0 ? and(...parts) : undefined;
      const total = db.select({ n: sql<number>`count(*)` }).from(campaigns).where(where).get()!.n;
      const window = pageWindow(query.page, total);
      const rows = db.select().from(campaigns).where(where).orderBy(desc(campaigns.startDate), desc(campaigns.id)).limit(window.pageSize).offset(window.offset).all();
      const progress = this.progressOf(rows.map((row) => row.id));
      const items = rows.map((row) => ({ ...row, progress: progress.get(row.id)! }));
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** Campaigns a round or an activity can belong to (not closed), newest first. */
    options(): CampaignRow[] {
      return db.select().from(campaigns).where(ne(campaigns.status, 'closed')).orderBy(desc(campaigns.startDate)).limit(200).all();
    },

    all(): CampaignRow[] {
      return db.select().from(campaigns).orderBy(desc(campaigns.startDate)).limit(500).all();
    },

    getCampaign(id: number): CampaignRow & { ownerName: string | null; targets: TargetRow[] } {
      const campaign = load(id);
      const owner = campaign.ownerId ? db.select({ name: users.name }).from(users).where(eq(users.id, campaign.ownerId)).get() : undefined;
      const targets = db.select().from(campaignTargets).where(eq(campaignTargets.campaignId, id)).all();
      return { ...campaign, ownerName: owner?.name ?? null, targets };
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

    createCampaign(actor: Actor, values: CampaignFormValues, options: { isSample?: boolean; status?: CampaignStatus } = {}): FormResult<{ id: number }> {
      const result = validate(values);
      if (!result.ok) return result;
      const at = nowIso(now());
      const id = inTransaction(db, () =>
        onceFor(db, values.submissionKey, actor.userId, 'campaign', () => {
          const row = db.insert(campaigns).values({ ...result.value, status: options.status ?? 'draft', isSample: options.isSample ?? false, createdAt: at, updatedAt: at }).returning().get();
          audit.record(actor, { action: 'create', recordType: 'campaign', recordId: row.id, changes: diff(null, snapshot(row)) });
          return row.id;
        }, at),
      );
      return { ok: true, value: { id } };
    },

    updateCampaign(actor: Actor, id: number, values: CampaignFormValues): FormResult<{ id: number }> {
      const campaign = load(id);
      const result = validate(values);
      if (!result.ok) return result;
      if (Number(values.version) !== campaign.version) throw new ConflictError();
      inTransaction(db, () => {
        const changed = db
          .update(campaigns)
          .set({ ...result.value, updatedAt: nowIso(now()), version: sql`${campaigns.version} + 1` })
          .where(and(eq(campaigns.id, id), eq(campaigns.version, campaign.version)))
          .run().changes;
        if (changed === 0) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: 'campaign', recordId: id, changes: diff(snapshot(campaign), snapshot(load(id))) });
      });
      return { ok: true, value: { id } };
    },

    changeStatus(actor: Actor, id: number, to: string): void {
      const campaign = load(id);
      if (!(campaignTransitions[campaign.status] as string[]).includes(to)) {
        throw new RuleError({ key: 'errors.campaign.transition', params: { from: `campaignStatus.${campaign.status}`, to: `campaignStatus.${to}` } });
      }
      inTransaction(db, () => {
        db.update(campaigns).set({ status: to as CampaignStatus, updatedAt: nowIso(now()), version: sql`${campaigns.version} + 1` }).where(eq(campaigns.id, id)).run();
        audit.record(actor, { action: 'status', recordType: 'campaign', recordId: id, changes: { status: [campaign.status, to] } });
      });
    },

    /** Replaces the targets from the form's rows (area, four numbers); a row of zeros is dropped. */
    saveTargets(actor: Actor, id: number, body: unknown): FormResult<null> {
      load(id);
      const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const areaIds = asList(form.targetArea);
      const columns = Object.fromEntries(metrics.map((metric) => [metric, asList(form[`target_${metric}`])])) as Record<Metric, string[]>;
      const errors: FieldErrors = {};
      const rows = new Map<number, Record<Metric, number>>();
      areaIds.forEach((raw, index) => {
        if (!raw) return;
        const areaId = Number(raw);
        const area = catalog.byId.get(areaId);
        if (!area || !catalog.isOffered(areaId) || !scopeIncludes(actor.scope, areaId)) {
          addFieldError(errors, 'targets', 'errors.campaign.targetArea', { row: index + 1 });
          return;
        }
        const values = zeroMetrics();
        for (const metric of metrics) {
          const text = (columns[metric][index] ?? '').trim();
          if (text === '') continue;
          if (!/^\d{1,7}$/.test(text)) addFieldError(errors, 'targets', 'errors.campaign.targetNumber', { area: area.name });
          else values[metric] = Number(text);
        }
        if (rows.has(areaId)) addFieldError(errors, 'targets', 'errors.campaign.targetTwice', { area: area.name });
        if (metrics.some((metric) => values[metric] > 0)) rows.set(areaId, values);
      });
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      inTransaction(db, () => {
        const before = db.select().from(campaignTargets).where(eq(campaignTargets.campaignId, id)).all();
        db.delete(campaignTargets).where(eq(campaignTargets.campaignId, id)).run();
        if (rows.size > 0) db.insert(campaignTargets).values([...rows].map(([areaId, values]) => ({ campaignId: id, areaId, ...values }))).run();
        const describe = (list: Array<{ areaId: number } & Record<Metric, number>>) =>
          list.map((row) => `${catalog.byId.get(row.areaId)?.name}: ${metrics.map((metric) => row[metric]).join('/')}`).sort().join('; ');
        audit.record(actor, { action: 'update', recordType: 'campaign', recordId: id, changes: { targets: [describe(before), describe([...rows].map(([areaId, values]) => ({ areaId, ...values })))] } });
      });
      return { ok: true, value: null };
    },

    /**
     * Target against actual per target area. Actual counts: rounds of the campaign (not cancelled) covering the
     * area; distinct venues with an approved (and not superseded) report in the campaign's rounds; outreach sessions
     * and participants of the campaign. A district's figures include the communes formed from it. Four queries.
     */
    progress(id: number): CampaignProgress {
      return this.progressOf([id]).get(id)!;
    },

    /** The progress of several campaigns in the same four grouped queries (a list page never asks per row). */
    progressOf(ids: number[]): Map<number, CampaignProgress> {
      const result = new Map<number, CampaignProgress>();
      if (ids.length === 0) return result;
      const targets = db.select().from(campaignTargets).where(inArray(campaignTargets.campaignId, ids)).all();
      const roundPairs = db
        .select({ campaignId: rounds.campaignId, roundId: roundAreas.roundId, areaId: roundAreas.areaId })
        .from(roundAreas)
        .innerJoin(rounds, eq(rounds.id, roundAreas.roundId))
        .where(and(inArray(rounds.campaignId, ids), ne(rounds.status, 'cancelled')))
        .all();
      const venuesByArea = db
        .select({ campaignId: rounds.campaignId, areaId: checks.areaId, venues: sql<number>`count(distinct ${checks.venueId})` })
        .from(checks)
        .innerJoin(rounds, eq(rounds.id, checks.roundId))
        .where(and(inArray(rounds.campaignId, ids), eq(checks.status, 'approved'), sql`${checks.supersededById} is null`))
        .groupBy(rounds.campaignId, checks.areaId)
        .all();
      const outreachByArea = db
        .select({
          campaignId: outreachActivities.campaignId,
          areaId: outreachActivities.areaId,
          sessions: sql<number>`count(*)`,
          participants: sql<number>`coalesce(sum(${outreachActivities.participantsTotal}), 0)`,
        })
        .from(outreachActivities)
        .where(inArray(outreachActivities.campaignId, ids))
        .groupBy(outreachActivities.campaignId, outreachActivities.areaId)
        .all();

      for (const id of ids) {
        const rows: ProgressRow[] = targets
          .filter((target) => target.campaignId === id)
          .map((target) => {
            const area = catalog.byId.get(target.areaId);
            if (!area) return null;
            const areaIds = new Set(catalog.filterIds(area.id));
            const actual = zeroMetrics();
            actual.rounds = new Set(roundPairs.filter((pair) => pair.campaignId === id && areaIds.has(pair.areaId)).map((pair) => pair.roundId)).size;
            for (const row of venuesByArea) if (row.campaignId === id && areaIds.has(row.areaId)) actual.venues += row.venues;
            for (const row of outreachByArea) {
              if (row.campaignId !== id || !areaIds.has(row.areaId)) continue;
              actual.sessions += row.sessions;
              actual.participants += row.participants;
            }
            const target_ = { rounds: target.rounds, venues: target.venues, sessions: target.sessions, participants: target.participants };
            const ratio = Object.fromEntries(metrics.map((metric) => [metric, target_[metric] > 0 ? Math.min(actual[metric] / target_[metric], 1) : 1])) as Record<Metric, number>;
            return { area, target: target_, actual, ratio };
          })
          .filter((row): row is ProgressRow => row !== null)
          .sort((a, b) => a.area.level.localeCompare(b.area.level) || a.area.code.localeCompare(b.area.code));

        const totals = { target: zeroMetrics(), actual: zeroMetrics() };
        for (const row of rows) for (const metric of metrics) {
          totals.target[metric] += row.target[metric];
          totals.actual[metric] += row.actual[metric];
        }
        const reached = metrics.filter((metric) => totals.target[metric] > 0).map((metric) => {
          const capped = rows.reduce((sum, row) => sum + Math.min(row.actual[metric], row.target[metric]), 0);
          return capped / totals.target[metric];
        });
        result.set(id, { rows, totals, overall: reached.length > 0 ? reached.reduce((sum, value) => sum + value, 0) / reached.length : null });
      }
      return result;
    },

    roundsOf(id: number) {
      return db.select().from(rounds).where(eq(rounds.campaignId, id)).orderBy(desc(rounds.startDate)).limit(500).all();
    },

    owners() {
      return db.select({ id: users.id, name: users.name }).from(users).where(and(inArray(users.role, ['admin', 'department_head']), sql`${users.disabledAt} is null`)).orderBy(asc(users.name)).all();
    },
  };
}

export type CampaignsService = ReturnType<typeof campaignsService>;
