import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { users } from './users.js';
import { campaigns } from './campaigns.js';

export const roundKinds = ['planned', 'unannounced', 'reinspection'] as const;
export const roundStatuses = ['planned', 'in_progress', 'completed', 'cancelled'] as const;
export const teamRoles = ['head', 'member', 'secretary'] as const;
/** What a round does: supervise area authorities (giám sát), check venues (kiểm tra cơ sở), or both. */
export const roundPurposes = ['supervision', 'venue_check', 'both'] as const;
export type RoundPurpose = (typeof roundPurposes)[number];
export type RoundKind = (typeof roundKinds)[number];
export type RoundStatus = (typeof roundStatuses)[number];
export type TeamRole = (typeof teamRoles)[number];

export const rounds = sqliteTable(
  'rounds',
  {
    id: integer('id').primaryKey(),
    title: text('title').notNull(),
    decisionNumber: text('decision_number').notNull().default(''),
    kind: text('kind', { enum: roundKinds }).notNull(),
    purpose: text('purpose', { enum: roundPurposes }).notNull().default('venue_check'),
    status: text('status', { enum: roundStatuses }).notNull().default('planned'),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    leadAgency: text('lead_agency').notNull().default(''),
    objectives: text('objectives').notNull().default(''),
    /** Normalised title, decision number, area and team names: what the list's text search matches. */
    searchText: text('search_text').notNull().default(''),
    /** Illustrative history loaded from the sample file, shown as "dữ liệu mẫu". */
    isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
    /** The plan or campaign the round belongs to, if any. */
    campaignId: integer('campaign_id').references(() => campaigns.id),
    /** Bumped on every update so a stale form is refused instead of overwriting. */
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('rounds_start_date_idx').on(table.startDate, table.id),
    index('rounds_status_start_idx').on(table.status, table.startDate),
    index('rounds_campaign_idx').on(table.campaignId),
  ],
);

export const roundAreas = sqliteTable(
  'round_areas',
  {
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
  },
  (table) => [primaryKey({ columns: [table.roundId, table.areaId] }), index('round_areas_area_idx').on(table.areaId, table.roundId)],
);

export const roundTeamMembers = sqliteTable(
  'round_team_members',
  {
    id: integer('id').primaryKey(),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    fullName: text('full_name').notNull(),
    agency: text('agency').notNull(),
    teamRole: text('team_role', { enum: teamRoles }).notNull(),
    /** The member's account, when they have one: inspectors file reports in rounds whose team they are on. */
    userId: integer('user_id').references(() => users.id),
  },
  (table) => [index('round_team_round_idx').on(table.roundId, table.position), index('round_team_user_idx').on(table.userId)],
);

export const roundStatusChanges = sqliteTable(
  'round_status_changes',
  {
    id: integer('id').primaryKey(),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status', { enum: roundStatuses }),
    toStatus: text('to_status', { enum: roundStatuses }).notNull(),
    changedAt: text('changed_at').notNull(),
    note: text('note').notNull().default(''),
  },
  (table) => [index('round_status_changes_round_idx').on(table.roundId, table.changedAt)],
);
