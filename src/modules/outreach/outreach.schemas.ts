import { z } from 'zod';
import { parseDateInput } from '../../lib/dates.js';
import { asText, formList, formText, readWholeNumber } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { outreachChannels, vocabularyCodes } from '../../lib/vocabulary.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

/** A channel's measure field in the form: `m-zalo-posts`. */
export const measureField = (channel: string, measure: string): string => `m-${channel}-${measure}`;
/** A target group's share of the participants in the form: `g-students`. */
export const splitField = (group: string): string => `g-${group}`;

/** The activity's own fields as typed (the channels' measures and the split by group are read beside them). */
export const activityFieldsSchema = z.object({
  campaignId: formText,
  activityDate: formText,
  areaId: formText,
  village: formText,
  channels: formList.transform((channels) => channels.slice(0, 40)),
  topics: formList.transform((topics) => topics.slice(0, 20)),
  topicOther: formText,
  targetGroups: formList.transform((groups) => groups.slice(0, 30)),
  organisingAgency: formText,
  participantsTotal: formText,
  participantsWomen: formText,
  notes: formText,
  version: formText,
  submissionKey: formText,
  /** The prevention model that held it and who carried it out (the roster). */
  modelId: formText,
  speakerIds: formList.transform((ids) => ids.slice(0, 50)),
});

/** The activity form as typed, re-rendered on an error so nothing is lost: its fields, each channel's measures and the split by group. */
export const activityFormSchema = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((body) => ({
    ...activityFieldsSchema.parse(body),
    /** Every channel's measure fields as typed, by field name (those of channels not chosen are not saved). */
    measures: Object.fromEntries(outreachChannels().flatMap((channel) => channel.measures.map((measure) => measureField(channel.code, measure.code))).map((name) => [name, asText(body[name])])),
    /** Participants per target group as typed, by group code ('' = not split). */
    split: Object.fromEntries(vocabularyCodes('target_groups').map((group) => [group, asText(body[splitField(group)])])),
  }));
export type ActivityFormValues = z.infer<typeof activityFormSchema>;

/** One channel of an activity with its measures (sessions, commitments, or a media channel's output). */
export interface ChannelInput {
  channel: string;
  measures: Record<string, number>;
}

const NUMBER_MAX = 10_000_000;

/** The rules of an activity's own fields; the campaign and the area (scope, date of the reform) are the service's. */
export const activityInputSchema = z.custom<ActivityFormValues>().transform((values, ctx) => {
  let refused = false;
  const issue = (field: string, message: MessageKey, params?: MessageParams) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  };
  /** A whole number ≥ 0 as typed ('1.200' as Vietnamese write thousands); '' is null, and refused when required. */
  const number = (field: string, typed: string, required = false): number | null => {
    if (typed.trim() === '') {
      if (required) issue(field, 'errors.outreach.numberRequired');
      return null;
    }
    const read = readWholeNumber(typed);
    if (!read.ok || read.value > NUMBER_MAX) {
      issue(field, read.ok ? 'errors.wholeNumber' : read.key);
      return null;
    }
    return read.value;
  };
  const activityDate = parseDateInput(values.activityDate);
  if (!values.activityDate.trim()) issue('activityDate', 'errors.date.required');
  else if (!activityDate) issue('activityDate', 'errors.date.invalid');
  if (values.campaignId && !/^\d{1,9}$/.test(values.campaignId)) issue('campaignId', 'errors.outreach.campaign');
  if (!/^\d{1,9}$/.test(values.areaId)) issue('areaId', 'errors.venue.area');
  const village = cleanText(values.village);
  if (village.length > 120) issue('village', 'errors.tooLong', { max: 120 });
  if (!vocabularyCodes('agencies').includes(values.organisingAgency)) issue('organisingAgency', 'errors.referral.agency');

  // Channels, each with its measures: an in-person format's sessions (signing commitments: commitments), a media channel's output.
  const catalog = outreachChannels();
  const chosen = [...new Set(values.channels)];
  const channels: ChannelInput[] = [];
  if (chosen.length === 0) issue('channels', 'errors.outreach.channelsRequired');
  else if (chosen.some((code) => !catalog.some((channel) => channel.code === code))) issue('channels', 'errors.outreach.channels');
  else {
    for (const channel of catalog.filter((one) => chosen.includes(one.code))) {
      const measures: Record<string, number> = {};
      let unreadable = false;
      for (const measure of channel.measures) {
        const field = measureField(channel.code, measure.code);
        const typed = values.measures[field] ?? '';
        const value = number(field, typed);
        if (value === null && typed.trim() !== '') unreadable = true;
        measures[measure.code] = value ?? 0;
      }
      // An in-person format holds at least one session (or commitment); a media channel produced something.
      if (!unreadable && Object.values(measures).every((value) => value === 0)) {
        const first = measureField(channel.code, channel.measures[0]!.code);
        if (channel.kind === 'media') issue(first, 'errors.outreach.mediaRequired');
        else issue(first, channel.counts_as_session ? 'errors.outreach.sessionsRequired' : 'errors.outreach.commitmentsRequired');
      }
      channels.push({ channel: channel.code, measures });
    }
  }
  const inPerson = channels.some((entry) => catalog.find((channel) => channel.code === entry.channel)?.kind === 'in_person');

  // People met in person: required with an in-person channel, none without one.
  let participantsTotal = 0;
  let participantsWomen = 0;
  if (inPerson) {
    participantsTotal = number('participantsTotal', values.participantsTotal, true) ?? 0;
    participantsWomen = number('participantsWomen', values.participantsWomen, true) ?? 0;
    if (participantsWomen > participantsTotal) issue('participantsWomen', 'errors.outreach.womenOverTotal', { total: participantsTotal });
  } else if (chosen.length > 0) {
    if ((number('participantsTotal', values.participantsTotal) ?? 0) > 0) issue('participantsTotal', 'errors.outreach.participantsWithoutInPerson');
    if ((number('participantsWomen', values.participantsWomen) ?? 0) > 0) issue('participantsWomen', 'errors.outreach.participantsWithoutInPerson');
  }

  const targetGroups = [...new Set(values.targetGroups)];
  if (targetGroups.length === 0) issue('targetGroups', 'errors.outreach.groupsRequired');
  else if (targetGroups.some((group) => !vocabularyCodes('target_groups').includes(group))) issue('targetGroups', 'errors.outreach.groups');
  // The split by group: optional per group, only for groups chosen, never more than the participants.
  const split: Record<string, number | null> = {};
  let splitSum = 0;
  for (const [group, typed] of Object.entries(values.split)) {
    if (typed.trim() === '') continue;
    const value = number(splitField(group), typed);
    if (value === null) continue;
    if (!targetGroups.includes(group)) issue(splitField(group), 'errors.outreach.splitUnchosen');
    else {
      split[group] = value;
      splitSum += value;
    }
  }
  if (splitSum > participantsTotal) issue('groupSplit', 'errors.outreach.splitOverTotal', { sum: splitSum, total: participantsTotal });

  const topics = [...new Set(values.topics)];
  const topicOther = cleanText(values.topicOther);
  if (topics.length === 0) issue('topics', 'errors.outreach.topicsRequired');
  else if (topics.some((topic) => !vocabularyCodes('outreach_topics').includes(topic))) issue('topics', 'errors.outreach.topics');
  if (topics.includes('other') && !topicOther) issue('topicOther', 'errors.outreach.topicOtherRequired');
  else if (!topics.includes('other') && topicOther) issue('topicOther', 'errors.outreach.topicOtherUnchosen');
  if (topicOther.length > 200) issue('topicOther', 'errors.tooLong', { max: 200 });

  const notes = values.notes.trim();
  if (notes.length > 2000) issue('notes', 'errors.tooLong', { max: 2000 });
  if (values.modelId && !/^\d{1,9}$/.test(values.modelId)) issue('modelId', 'errors.outreach.model');
  const speakerIds = [...new Set(values.speakerIds.filter((id) => id !== ''))];
  if (speakerIds.some((id) => !/^\d{1,9}$/.test(id))) issue('speakerIds', 'errors.outreach.speakers');
  if (refused || !activityDate) return z.NEVER;
  const sessions = channels.reduce((sum, entry) => sum + (entry.measures.sessions ?? 0), 0);
  return {
    campaignId: values.campaignId ? Number(values.campaignId) : null,
    activityDate,
    areaId: Number(values.areaId),
    village,
    /** The first channel titles the activity. */
    format: channels[0]!.channel,
    organisingAgency: values.organisingAgency,
    sessions,
    participantsTotal,
    participantsWomen,
    topicOther: topics.includes('other') ? topicOther : '',
    notes,
    channels,
    topics,
    targetGroups,
    modelId: values.modelId ? Number(values.modelId) : null,
    speakerIds: speakerIds.map(Number),
    split,
  };
});
export type ActivityInput = z.infer<typeof activityInputSchema>;

/** Filters of the activities list; a value that makes no sense is dropped, so old links still open. */
export const outreachListQuerySchema = z.object({
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  format: z.string().max(40).optional().catch(undefined),
  channel: z.string().max(40).optional().catch(undefined),
  group: z.string().max(40).optional().catch(undefined),
  topic: z.string().max(40).optional().catch(undefined),
  /** 1: only activities with an in-person channel (the records behind sessions and participants). */
  inPerson: z.literal('1').optional().catch(undefined),
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type OutreachListQuery = z.infer<typeof outreachListQuerySchema>;

/** /outreach/new?campaign=: the campaign a new activity starts in. */
export const newActivityQuerySchema = z.object({
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
});
export type NewActivityQuery = z.infer<typeof newActivityQuerySchema>;
