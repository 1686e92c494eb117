import { z } from 'zod';
import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput } from '../../lib/dates.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { addFieldError, asList, asText, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { parseWholeNumber } from '../../lib/money.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';
import { areaExistsThroughout, type AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type Snapshot } from '../audit/index.js';
import { submissionKeyPattern, formKeysRepository } from '../form-keys/index.js';
import type { AuditService } from '../audit/index.js';
import { outreachRepository, type ActivityListFilter, type ActivityRow, type ActivityWrite } from './outreach.repository.js';

export type { ActivityRow };

export interface ActivityFormValues {
  campaignId: string;
  activityDate: string;
  areaId: string;
  village: string;
  format: string;
  channel: string;
  targetGroups: string[];
  organisingAgency: string;
  participantsTotal: string;
  participantsWomen: string;
  leaflets: string;
  posters: string;
  broadcastMinutes: string;
  notes: string;
  version: string;
  submissionKey: string;
}

export function readActivityForm(body: unknown): ActivityFormValues {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const fields = ['campaignId', 'activityDate', 'areaId', 'village', 'format', 'channel', 'organisingAgency', 'participantsTotal', 'participantsWomen', 'leaflets', 'posters', 'broadcastMinutes', 'notes', 'version', 'submissionKey'] as const;
  return { ...(Object.fromEntries(fields.map((field) => [field, asText(form[field])])) as Omit<ActivityFormValues, 'targetGroups'>), targetGroups: asList(form.targetGroups).slice(0, 30) };
}

export const outreachListQuerySchema = z.object({
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  format: z.string().max(40).optional().catch(undefined),
  channel: z.string().max(40).optional().catch(undefined),
  group: z.string().max(40).optional().catch(undefined),
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type OutreachListQuery = z.infer<typeof outreachListQuerySchema>;

/** A whole number ≥ 0 typed in a form ('1.200' as Vietnamese write thousands); '' is 0 unless required. */
function count(value: string, field: string, errors: FieldErrors, required = false): number {
  if (value.trim() === '') {
    if (required) addFieldError(errors, field, 'errors.outreach.numberRequired');
    return 0;
  }
  const number = parseWholeNumber(value);
  if (number === null || number > 10_000_000) {
    addFieldError(errors, field, 'errors.wholeNumber');
    return 0;
  }
  return number;
}

export function outreachService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const submissions = formKeysRepository(db);
  const repository = outreachRepository(db);

  function snapshot(activity: ActivityRow, groups: string[]): Snapshot {
    return {
      activityDate: activity.activityDate,
      area: catalog.byId.get(activity.areaId)?.name ?? null,
      village: activity.village,
      format: activity.format,
      channel: activity.channel,
      targetGroups: groups.join(', '),
      organisingAgency: activity.organisingAgency,
      participantsTotal: activity.participantsTotal,
      participantsWomen: activity.participantsWomen,
      leaflets: activity.leaflets,
      posters: activity.posters,
      broadcastMinutes: activity.broadcastMinutes,
      notes: activity.notes,
      campaign: activity.campaignId,
    };
  }

  function groupsOf(ids: number[]): Map<number, string[]> {
    return repository.groupsOf(ids);
  }

  function validate(actor: Actor, values: ActivityFormValues, currentCampaignId: number | null): FormResult<ActivityWrite & { targetGroups: string[] }> {
    const errors: FieldErrors = {};
    const activityDate = parseDateInput(values.activityDate);
    if (!values.activityDate.trim()) addFieldError(errors, 'activityDate', 'errors.date.required');
    else if (!activityDate) addFieldError(errors, 'activityDate', 'errors.date.invalid');
    let campaignId: number | null = null;
    if (values.campaignId) {
      const campaign = /^\d{1,9}$/.test(values.campaignId) ? repository.findCampaign(Number(values.campaignId)) : undefined;
      if (!campaign) addFieldError(errors, 'campaignId', 'errors.outreach.campaign');
      else if (campaign.status === 'closed' && campaign.id !== currentCampaignId) addFieldError(errors, 'campaignId', 'errors.campaign.closed');
      else {
        campaignId = campaign.id;
        if (activityDate && (activityDate < campaign.startDate || activityDate > campaign.endDate)) {
          addFieldError(errors, 'activityDate', 'errors.outreach.outsideCampaign', { from: formatDate(campaign.startDate), to: formatDate(campaign.endDate) });
        }
      }
    }
    const areaId = /^\d{1,9}$/.test(values.areaId) ? Number(values.areaId) : null;
    const area = areaId === null ? undefined : catalog.byId.get(areaId);
    if (!area || !catalog.isOffered(area.id)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, area.id)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: area.name });
    else if (activityDate && !areaExistsThroughout(area, activityDate, activityDate)) {
      addFieldError(errors, 'areaId', area.level === 'district' ? 'errors.areas.districtAfterReform' : 'errors.areas.communeBeforeReform', { area: area.name });
    }
    const village = cleanText(values.village);
    if (village.length > 120) addFieldError(errors, 'village', 'errors.tooLong', { max: 120 });
    if (!vocabularyCodes('outreach_formats').includes(values.format)) addFieldError(errors, 'format', 'errors.outreach.format');
    if (!vocabularyCodes('outreach_channels').includes(values.channel)) addFieldError(errors, 'channel', 'errors.outreach.channel');
    const groups = [...new Set(values.targetGroups)];
    if (groups.length === 0) addFieldError(errors, 'targetGroups', 'errors.outreach.groupsRequired');
    else if (groups.some((group) => !vocabularyCodes('target_groups').includes(group))) addFieldError(errors, 'targetGroups', 'errors.outreach.groups');
    if (!vocabularyCodes('agencies').includes(values.organisingAgency)) addFieldError(errors, 'organisingAgency', 'errors.referral.agency');
    const participantsTotal = count(values.participantsTotal, 'participantsTotal', errors, true);
    const participantsWomen = count(values.participantsWomen, 'participantsWomen', errors, true);
    if (participantsWomen > participantsTotal) addFieldError(errors, 'participantsWomen', 'errors.outreach.womenOverTotal', { total: participantsTotal });
    const leaflets = count(values.leaflets, 'leaflets', errors);
    const posters = count(values.posters, 'posters', errors);
    const broadcastMinutes = count(values.broadcastMinutes, 'broadcastMinutes', errors);
    const notes = values.notes.trim();
    if (notes.length > 2000) addFieldError(errors, 'notes', 'errors.tooLong', { max: 2000 });
    if (Object.keys(errors).length > 0 || !activityDate || !area) return { ok: false, errors };
    return {
      ok: true,
      value: { campaignId, activityDate, areaId: area.id, village, format: values.format, channel: values.channel, organisingAgency: values.organisingAgency, participantsTotal, participantsWomen, leaflets, posters, broadcastMinutes, notes, targetGroups: groups },
    };
  }

  function filterOf(actor: Actor, query: OutreachListQuery): ActivityListFilter {
    const filter: ActivityListFilter = { scope: actor.scope };
    if (query.campaign) filter.campaignId = query.campaign;
    if (query.area) filter.areaIds = catalog.filterIds(query.area);
    if (query.format) filter.format = query.format;
    if (query.channel) filter.channel = query.channel;
    if (query.group) filter.group = query.group;
    const from = query.from ? parseDateInput(query.from) : null;
    const to = query.to ? parseDateInput(query.to) : null;
    if (from) filter.from = from;
    if (to) filter.to = to;
    return filter;
  }

  function load(actor: Actor, id: number): ActivityRow {
    const activity = repository.findById(id, actor.scope);
    if (!activity) throw new NotFoundError('activity');
    return activity;
  }

  return {
    listActivities(actor: Actor, query: OutreachListQuery): Page<ActivityRow & { groups: string[] }> & { totals: { sessions: number; participants: number; women: number } } {
      const filter = filterOf(actor, query);
      const totals = repository.totals(filter);
      const window = pageWindow(query.page, totals.sessions);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const groups = groupsOf(rows.map((row) => row.id));
      return { items: rows.map((row) => ({ ...row, areaName: catalog.byId.get(row.areaId)?.name ?? '', groups: groups.get(row.id) ?? [] })), total: totals.sessions, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: false, totals };
    },

    getActivity(actor: Actor, id: number): ActivityRow & { groups: string[] } {
      const activity = load(actor, id);
      return { ...activity, groups: groupsOf([id]).get(id) ?? [] };
    },

    formValuesOf(activity: ActivityRow & { groups: string[] }): ActivityFormValues {
      return {
        campaignId: activity.campaignId === null ? '' : String(activity.campaignId),
        activityDate: formatDate(activity.activityDate),
        areaId: String(activity.areaId),
        village: activity.village,
        format: activity.format,
        channel: activity.channel,
        targetGroups: activity.groups,
        organisingAgency: activity.organisingAgency,
        participantsTotal: String(activity.participantsTotal),
        participantsWomen: String(activity.participantsWomen),
        leaflets: String(activity.leaflets),
        posters: String(activity.posters),
        broadcastMinutes: String(activity.broadcastMinutes),
        notes: activity.notes,
        version: String(activity.version),
        submissionKey: '',
      };
    },

    createActivity(actor: Actor, values: ActivityFormValues): FormResult<{ id: number }> {
      const key = submissionKeyPattern.test(values.submissionKey) ? values.submissionKey : null;
      const earlier = key ? submissions.find(key, actor.userId, 'outreach') : undefined;
      if (earlier !== undefined) return { ok: true, value: { id: earlier } };
      const result = validate(actor, values, null);
      if (!result.ok) return result;
      const { targetGroups, ...columns } = result.value;
      const at = nowIso(now());
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, 'outreach') : undefined;
        if (again !== undefined) return again;
        const row = repository.insert(columns, targetGroups, { createdBy: actor.userId, at });
        audit.record(actor, { action: 'create', recordType: 'outreach', recordId: row.id, changes: diff(null, snapshot(row, targetGroups)), areaIds: [row.areaId] });
        if (key) submissions.remember(key, actor.userId, 'outreach', row.id, at);
        return row.id;
      });
      return { ok: true, value: { id } };
    },

    updateActivity(actor: Actor, id: number, values: ActivityFormValues): FormResult<{ id: number }> {
      const activity = load(actor, id);
      const before = snapshot(activity, groupsOf([id]).get(id) ?? []);
      const result = validate(actor, values, activity.campaignId);
      if (!result.ok) return result;
      if (Number(values.version) !== activity.version) throw new ConflictError();
      const { targetGroups, ...columns } = result.value;
      inTransaction(db, () => {
        if (!repository.update(id, activity.version, columns, targetGroups, nowIso(now()))) throw new ConflictError();
        const after = snapshot(load(actor, id), targetGroups);
        audit.record(actor, { action: 'update', recordType: 'outreach', recordId: id, changes: diff(before, after), areaIds: [activity.areaId, columns.areaId] });
      });
      return { ok: true, value: { id } };
    },

    /** Activities in a date range (for the calendar), in scope and optionally in one area. */
    between(actor: Actor, from: string, to: string, areaId?: number): ActivityRow[] {
      return repository.between({ scope: actor.scope, from, to, ...(areaId ? { areaIds: catalog.filterIds(areaId) } : {}) }, 2000);
    },
  };
}

export type OutreachService = ReturnType<typeof outreachService>;
