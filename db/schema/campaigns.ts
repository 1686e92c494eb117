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
    format: text('format').notNull(),
    channel: text('channel').notNull(),
    organisingAgency: text('organising_agency').notNull(),
    participantsTotal: integer('participants_total').notNull(),
    participantsWomen: integer('participants_women').notNull(),
    leaflets: integer('leaflets').notNull().default(0),
    posters: integer('posters').notNull().default(0),
    broadcastMinutes: integer('broadcast_minutes').notNull().default(0),
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
  },
  (table) => [primaryKey({ columns: [table.activityId, table.groupCode] }), index('outreach_groups_code_idx').on(table.groupCode, table.activityId)],
);
