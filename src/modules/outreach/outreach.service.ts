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
import { outreachChannels } from '../../lib/vocabulary.js';
import { activityFormSchema, measureField, type ActivityFormValues, type ActivityInput, type OutreachListQuery } from './outreach.schemas.js';
import { outreachRepository, type ActivityListFilter, type ActivityParts, type ActivityRow, type ActivityTotals, type ActivityWrite, type GroupTotals, type ReclassificationRow } from './outreach.repository.js';

export type { ActivityRow };

/** An activity with its channels (and their measures), topics and target groups (with their split). */
export type ActivityWithParts = ActivityRow & ActivityParts & { groups: string[] };

/** The in-person channels (formats met face to face): the records behind sessions and participants. */
const inPersonChannels = () => outreachChannels().filter((channel) => channel.kind === 'in_person').map((channel) => channel.code);

/** A channel and its measures as the audit trail keeps them: "zalo: posts 2, members 300". */
function channelsText(parts: ActivityParts): string {
  return parts.channels.map((entry) => `${entry.channel}: ${Object.entries(entry.measures).map(([measure, value]) => `${measure} ${value}`).join(', ')}`).join('; ');
}

export function outreachService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const submissions = formKeysRepository(db);
  const repository = outreachRepository(db);

  function snapshot(activity: ActivityRow, parts: ActivityParts): Snapshot {
    return {
      activityDate: activity.activityDate,
      area: catalog.byId.get(activity.areaId)?.name ?? null,
      village: activity.village,
      channels: channelsText(parts),
      topics: parts.topics.join(', '),
      topicOther: activity.topicOther,
      targetGroups: parts.targetGroups.map((group) => (parts.split[group] != null ? `${group} (${parts.split[group]})` : group)).join(', '),
      organisingAgency: activity.organisingAgency,
      sessionsHeld: activity.sessions,
      participantsTotal: activity.participantsTotal,
      participantsWomen: activity.participantsWomen,
      notes: activity.notes,
      campaign: activity.campaignId,
      model: activity.modelId,
      speakers: repository.speakersOf(activity.id).map((speaker) => speaker.id).join(', '),
    };
  }

  function partsOf(id: number): ActivityParts {
    return repository.partsOf([id]).get(id) ?? { channels: [], topics: [], targetGroups: [], split: {} };
  }

  /** An input's own columns and its parts, as the repository writes them. */
  function split(input: ActivityInput): { columns: ActivityWrite; parts: ActivityParts; speakerIds: number[] } {
    const { channels, topics, targetGroups, split: shares, speakerIds, ...columns } = input;
    return { columns, parts: { channels, topics, targetGroups, split: shares }, speakerIds };
  }

  /** The rules that need the records: the campaign (open, and the date within its period) and the area (offered, in scope, existing on that date). */
  function check(actor: Actor, input: ActivityInput, currentCampaignId: number | null): FormResult<ActivityInput> {
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
    // `format` is the channel filter of older links (a format is an in-person channel).
    if (query.channel || query.format) filter.channel = (query.channel || query.format)!;
    if (query.group) filter.group = query.group;
    if (query.topic) filter.topic = query.topic;
    if (query.inPerson) filter.inPersonChannels = inPersonChannels();
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
    /**
     * A page of activities and the totals of the whole filter. Filtered by a target group, the participants are
     * that group's share where the activity is split, and the rest is "not split": never the whole attendance of a
     * multi-group activity under each of its groups.
     */
    listActivities(actor: Actor, query: OutreachListQuery): Page<ActivityWithParts & { areaName: string }> & { totals: ActivityTotals; groupTotals: GroupTotals | null } {
      const filter = filterOf(actor, query);
      const totals = repository.totals(filter);
      const groupTotals = filter.group ? repository.groupTotals({ ...filter, group: filter.group }) : null;
      const window = pageWindow(query.page, totals.activities);
      const rows = repository.list(filter, window.pageSize, window.offset);
      const parts = repository.partsOf(rows.map((row) => row.id));
      const items = rows.map((row) => {
        const own = parts.get(row.id)!;
        return { ...row, ...own, groups: own.targetGroups, areaName: catalog.byId.get(row.areaId)?.name ?? '' };
      });
      return { items, total: totals.activities, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: false, totals, groupTotals };
    },

    getActivity(actor: Actor, id: number): ActivityWithParts & { speakers: Array<{ id: number; name: string }> } {
      const activity = load(actor, id);
      const parts = partsOf(id);
      return { ...activity, ...parts, groups: parts.targetGroups, speakers: repository.speakersOf(id) };
    },

    /** An empty form, or one filled from an activity. */
    formValuesOf(activity?: ActivityWithParts & { speakers: Array<{ id: number }> }): ActivityFormValues {
      const values = activityFormSchema.parse({});
      // A new activity's in-person channels start at one session.
      for (const channel of outreachChannels()) if (channel.counts_as_session) values.measures[measureField(channel.code, 'sessions')] = '1';
      if (!activity) return values;
      for (const entry of activity.channels) for (const [measure, value] of Object.entries(entry.measures)) values.measures[measureField(entry.channel, measure)] = String(value);
      for (const [group, value] of Object.entries(activity.split)) if (value !== null) values.split[group] = String(value);
      return {
        ...values,
        campaignId: activity.campaignId === null ? '' : String(activity.campaignId),
        activityDate: formatDate(activity.activityDate),
        areaId: String(activity.areaId),
        village: activity.village,
        channels: activity.channels.map((entry) => entry.channel),
        topics: activity.topics,
        topicOther: activity.topicOther,
        targetGroups: activity.targetGroups,
        organisingAgency: activity.organisingAgency,
        participantsTotal: String(activity.participantsTotal),
        participantsWomen: String(activity.participantsWomen),
        notes: activity.notes,
        version: String(activity.version),
        modelId: activity.modelId === null ? '' : String(activity.modelId),
        speakerIds: activity.speakers.map((speaker) => String(speaker.id)),
      };
    },

    /** The activities whose figures changed when channels got measures of their own (with the reason), in scope. */
    reclassified(actor: Actor): { rows: Array<ReclassificationRow & { areaName: string }>; total: number } {
      const rows = repository.reclassified(actor.scope, 1000).map((row) => ({ ...row, areaName: catalog.byId.get(row.areaId)?.name ?? '' }));
      return { rows, total: repository.reclassifiedCount(actor.scope) };
    },

    reclassifiedCount(actor: Actor): number {
      return repository.reclassifiedCount(actor.scope);
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
      const { columns, parts, speakerIds } = split(result.value);
      const at = nowIso(now());
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, 'outreach') : undefined;
        if (again !== undefined) return again;
        const row = repository.insert(columns, parts, { createdBy: actor.userId, at });
        repository.replaceSpeakers(row.id, speakerIds);
        audit.record(actor, { action: 'create', recordType: 'outreach', recordId: row.id, changes: diff(null, snapshot(row, parts)), areaIds: [row.areaId] });
        if (key) submissions.remember(key, actor.userId, 'outreach', row.id, at);
        return row.id;
      });
      return { ok: true, value: { id } };
    },

    /** Saves an edit; throws ConflictError when the activity changed since the form was loaded (its version). */
    updateActivity(actor: Actor, id: number, input: ActivityInput, expectedVersion: number): FormResult<{ id: number }> {
      const activity = load(actor, id);
      const before = snapshot(activity, partsOf(id));
      const result = check(actor, input, activity.campaignId);
      if (!result.ok) return result;
      if (expectedVersion !== activity.version) throw new ConflictError();
      const { columns, parts, speakerIds } = split(result.value);
      inTransaction(db, () => {
        if (!repository.update(id, activity.version, columns, parts, nowIso(now()))) throw new ConflictError();
        repository.replaceSpeakers(id, speakerIds);
        const after = snapshot(load(actor, id), parts);
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
