import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, parseDateInput } from '../../lib/dates.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { addFieldError, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { areaExistsThroughout, type AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type Snapshot } from '../audit/index.js';
import { submissionKeyPattern, formKeysRepository } from '../form-keys/index.js';
import type { AuditService } from '../audit/index.js';
import { outreachPolicy, type ActivityAbilities } from './outreach.policy.js';
import type { ActivityFormValues, ActivityInput, OutreachListQuery } from './outreach.schemas.js';
import { outreachRepository, type ActivityListFilter, type ActivityRow, type ActivityWrite } from './outreach.repository.js';

export type { ActivityRow };

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
      model: activity.modelId,
      speakers: repository.speakersOf(activity.id).map((speaker) => speaker.id).join(', '),
    };
  }

  function groupsOf(ids: number[]): Map<number, string[]> {
    return repository.groupsOf(ids);
  }

  /** The rules that need the records: the campaign (open, and the date within its period) and the area (offered, in scope, existing on that date). */
  function check(actor: Actor, input: ActivityInput, currentCampaignId: number | null): FormResult<ActivityWrite & { targetGroups: string[]; speakerIds: number[] }> {
    const errors: FieldErrors = {};
    if (input.campaignId !== null) {
      const campaign = repository.findCampaign(input.campaignId);
      if (!campaign) addFieldError(errors, 'campaignId', 'errors.outreach.campaign');
      else if (campaign.status === 'closed' && campaign.id !== currentCampaignId) addFieldError(errors, 'campaignId', 'errors.campaign.closed');
      else if (input.activityDate < campaign.startDate || input.activityDate > campaign.endDate) {
        addFieldError(errors, 'activityDate', 'errors.outreach.outsideCampaign', { from: formatDate(campaign.startDate), to: formatDate(campaign.endDate) });
      }
    }
    const area = catalog.byId.get(input.areaId);
    if (!area || !catalog.isOffered(area.id)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, area.id)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: area.name });
    else if (!areaExistsThroughout(area, input.activityDate, input.activityDate)) {
      addFieldError(errors, 'areaId', area.level === 'district' ? 'errors.areas.districtAfterReform' : 'errors.areas.communeBeforeReform', { area: area.name });
    }
    checkModelAndSpeakers(actor, input, errors);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return { ok: true, value: input };
  }

  /** The model named must be one the person sees and active on the date; the people named, of the roster in scope. */
  function checkModelAndSpeakers(actor: Actor, input: ActivityInput, errors: FieldErrors): void {
    if (input.modelId !== null) {
      const model = repository.findModel(input.modelId, actor.scope);
      if (!model) addFieldError(errors, 'modelId', 'errors.outreach.model');
      else if (model.startDate > input.activityDate || (model.endedOn !== null && model.endedOn < input.activityDate)) addFieldError(errors, 'modelId', 'errors.outreach.modelNotActive', { name: model.name });
    }
    if (repository.findSpeakers(input.speakerIds, actor.scope).length !== input.speakerIds.length) addFieldError(errors, 'speakerIds', 'errors.outreach.speakers');
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

    getActivity(actor: Actor, id: number): ActivityRow & { groups: string[]; speakers: Array<{ id: number; name: string }> } {
      const activity = load(actor, id);
      return { ...activity, groups: groupsOf([id]).get(id) ?? [], speakers: repository.speakersOf(id) };
    },

    formValuesOf(activity: ActivityRow & { groups: string[]; speakers: Array<{ id: number }> }): ActivityFormValues {
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
        modelId: activity.modelId === null ? '' : String(activity.modelId),
        speakerIds: activity.speakers.map((speaker) => String(speaker.id)),
      };
    },

    /**
     * The outreach a form with this one-time key already created, if any (a key used for another kind of form is
     * refused with 409). Asked before the form is read, so a repeated form answers as the first one did.
     */
    createdWith(actor: Actor, submissionKey: string): number | undefined {
      return submissionKeyPattern.test(submissionKey) ? submissions.find(submissionKey, actor.userId, 'outreach') : undefined;
    },

    /** Records an activity; the same form sent twice (same one-time key) answers with the activity the first one made. */
    createActivity(actor: Actor, input: ActivityInput, submissionKey: string): FormResult<{ id: number }> {
      const key = submissionKeyPattern.test(submissionKey) ? submissionKey : null;
      const earlier = key ? submissions.find(key, actor.userId, 'outreach') : undefined;
      if (earlier !== undefined) return { ok: true, value: { id: earlier } };
      const result = check(actor, input, null);
      if (!result.ok) return result;
      const { targetGroups, speakerIds, ...columns } = result.value;
      const at = nowIso(now());
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, 'outreach') : undefined;
        if (again !== undefined) return again;
        const row = repository.insert(columns, targetGroups, { createdBy: actor.userId, at });
        repository.replaceSpeakers(row.id, speakerIds);
        audit.record(actor, { action: 'create', recordType: 'outreach', recordId: row.id, changes: diff(null, snapshot(row, targetGroups)), areaIds: [row.areaId] });
        if (key) submissions.remember(key, actor.userId, 'outreach', row.id, at);
        return row.id;
      });
      return { ok: true, value: { id } };
    },

    /** Saves an edit; throws ConflictError when the activity changed since the form was loaded (its version). */
    updateActivity(actor: Actor, id: number, input: ActivityInput, expectedVersion: number): FormResult<{ id: number }> {
      const activity = load(actor, id);
      const before = snapshot(activity, groupsOf([id]).get(id) ?? []);
      const result = check(actor, input, activity.campaignId);
      if (!result.ok) return result;
      if (expectedVersion !== activity.version) throw new ConflictError();
      const { targetGroups, speakerIds, ...columns } = result.value;
      inTransaction(db, () => {
        if (!repository.update(id, activity.version, columns, targetGroups, nowIso(now()))) throw new ConflictError();
        repository.replaceSpeakers(id, speakerIds);
        const after = snapshot(load(actor, id), targetGroups);
        audit.record(actor, { action: 'update', recordType: 'outreach', recordId: id, changes: diff(before, after), areaIds: [activity.areaId, columns.areaId] });
      });
      return { ok: true, value: { id } };
    },

    /** What this person may do on an activity's page (the template shows only these). */
    abilities(actor: Actor): ActivityAbilities {
      return outreachPolicy.abilities(actor);
    },

    /** Activities in a date range (for the calendar), in scope and optionally in one area. */
    between(actor: Actor, from: string, to: string, areaId?: number): ActivityRow[] {
      return repository.between({ scope: actor.scope, from, to, ...(areaId ? { areaIds: catalog.filterIds(areaId) } : {}) }, 2000);
    },
  };
}

export type OutreachService = ReturnType<typeof outreachService>;
