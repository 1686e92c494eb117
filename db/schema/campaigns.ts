import { index, integer, primaryKey, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { preventionModels } from './community.js';
import { users } from './users.js';

export const campaignStatuses = ['draft', 'active', 'closed'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** A plan or campaign (kế hoạch / chiến dịch) that rounds and outreach belong to, with targets per area. */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: integer('id').primaryKey(),
    title: text('title').notNull(),
    planNumber: text('plan_number').notNull().default(''),
    kind: text('kind').notNull(),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    ownerId: integer('owner_id').references(() => users.id),
    description: text('description').notNull().default(''),
    status: text('status', { enum: campaignStatuses }).notNull().default('draft'),
    isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [index('campaigns_start_idx').on(table.startDate), index('campaigns_status_idx').on(table.status, table.startDate)],
);

export const campaignTargets = sqliteTable(
  'campaign_targets',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    rounds: integer('rounds').notNull().default(0),
    venues: integer('venues').notNull().default(0),
    sessions: integer('sessions').notNull().default(0),
    participants: integer('participants').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.campaignId, table.areaId] })],
);

/** An awareness activity (hoạt động tuyên truyền) and its reach. */
export const outreachActivities = sqliteTable(
  'outreach_activities',
  {
    id: integer('id').primaryKey(),
    campaignId: integer('campaign_id').references(() => campaigns.id),
    /** The prevention model that held it, if any. */
    modelId: integer('model_id').references((): AnySQLiteColumn => preventionModels.id),
    activityDate: text('activity_date').notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    village: text('village').notNull().default(''),
    /** The activity's first channel (its title); every channel and its measures are in outreach_measures. */
    format: text('format').notNull(),
    /**
     * Before channels had measures: the single channel, leaflets, posters and broadcast minutes as first recorded.
     * Kept as history (the migration to outreach_measures read them); new activities write '' and 0.
     */
    channel: text('channel').notNull(),
    organisingAgency: text('organising_agency').notNull(),
    /** In-person sessions that count as "buổi tuyên truyền": the sum of the in-person channels' sessions. */
    sessions: integer('sessions').notNull().default(0),
    /** People met in person (0 when the activity has no in-person channel), women among them. */
    participantsTotal: integer('participants_total').notNull(),
    participantsWomen: integer('participants_women').notNull(),
    leaflets: integer('leaflets').notNull().default(0),
    posters: integer('posters').notNull().default(0),
    broadcastMinutes: integer('broadcast_minutes').notNull().default(0),
    /** The text of the topic "other". */
    topicOther: text('topic_other').notNull().default(''),
    notes: text('notes').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('outreach_area_date_idx').on(table.areaId, table.activityDate),
    index('outreach_date_idx').on(table.activityDate),
    index('outreach_campaign_idx').on(table.campaignId, table.activityDate),
    index('outreach_model_idx').on(table.modelId, table.activityDate),
  ],
);

export const outreachTargetGroups = sqliteTable(
  'outreach_target_groups',
  {
    activityId: integer('activity_id')
      .notNull()
      .references(() => outreachActivities.id, { onDelete: 'cascade' }),
    groupCode: text('group_code').notNull(),
    /** The participants of this group, when the activity's participants are split by group (null: not split). */
    participants: integer('participants'),
  },
  (table) => [primaryKey({ columns: [table.activityId, table.groupCode] }), index('outreach_groups_code_idx').on(table.groupCode, table.activityId)],
);

/** The topics an activity covered (codes of outreach_topics; "other" with the activity's topic_other). */
export const outreachTopics = sqliteTable(
  'outreach_topics',
  {
    activityId: integer('activity_id')
      .notNull()
      .references(() => outreachActivities.id, { onDelete: 'cascade' }),
    topicCode: text('topic_code').notNull(),
  },
  (table) => [primaryKey({ columns: [table.activityId, table.topicCode] }), index('outreach_topics_code_idx').on(table.topicCode, table.activityId)],
);

/**
 * An activity's channels, each with its measures: an in-person format's sessions (or commitments), a media
 * channel's output (posts, broadcasts, copies, …). A chosen channel has a row for each of its measures.
 */
export const outreachMeasures = sqliteTable(
  'outreach_measures',
  {
    activityId: integer('activity_id')
      .notNull()
      .references(() => outreachActivities.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    measure: text('measure').notNull(),
    value: integer('value').notNull(),
  },
  (table) => [primaryKey({ columns: [table.activityId, table.channel, table.measure] }), index('outreach_measures_channel_idx').on(table.channel, table.activityId)],
);

/**
 * Activities whose figures changed when channels got measures of their own, and why: what a summary showed
 * before (one session each) and what it shows now. Written once by the migration; read by admins.
 */
export const outreachReclassifications = sqliteTable(
  'outreach_reclassifications',
  {
    id: integer('id').primaryKey(),
    activityId: integer('activity_id')
      .notNull()
      .references(() => outreachActivities.id, { onDelete: 'cascade' }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    activityDate: text('activity_date').notNull(),
    /** media_not_session: a media channel saved with 0 participants; commitments_not_session: signing commitments. */
    reason: text('reason').notNull(),
    oldFormat: text('old_format').notNull(),
    oldChannel: text('old_channel').notNull(),
    sessionsBefore: integer('sessions_before').notNull(),
    sessionsAfter: integer('sessions_after').notNull(),
    /** The channels and measures it now has, as "zalo.posts=1; zalo.members=0". */
    measuresAfter: text('measures_after').notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('outreach_reclassifications_area_idx').on(table.areaId, table.activityDate)],
);
