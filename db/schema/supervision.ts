import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { checklistTemplates } from './checks.js';
import { rounds } from './rounds.js';
import { users } from './users.js';

export const supervisionStatuses = ['draft', 'submitted', 'approved', 'returned'] as const;
export type SupervisionStatus = (typeof supervisionStatuses)[number];
export const supervisionAnswers = ['met', 'not_met', 'not_applicable'] as const;
export type SupervisionAnswer = (typeof supervisionAnswers)[number];
export const recommendationStatuses = ['open', 'in_progress', 'done', 'verified'] as const;
export type RecommendationStatus = (typeof recommendationStatuses)[number];

/**
 * A supervision record (biên bản giám sát): one area's authority (People's Committee and its steering body)
 * supervised in one round, against the supervision checklist version current when the record was started.
 */
export const supervisionRecords = sqliteTable(
  'supervision_records',
  {
    id: integer('id').primaryKey(),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    /** The area supervised (one of the round's areas): lists and counts by area need no join. */
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    templateId: integer('template_id')
      .notNull()
      .references(() => checklistTemplates.id),
    /** Who files and edits it. */
    filedBy: integer('filed_by')
      .notNull()
      .references(() => users.id),
    visitDate: text('visit_date').notNull(),
    place: text('place').notNull().default(''),
    /** The authority supervised as written on the record ("UBND huyện Sông Mã"). */
    authority: text('authority').notNull(),
    /** Names and positions of the authority's representatives present, as typed. */
    authorityPresent: text('authority_present').notNull().default(''),
    /** JSON list of the team members present, as names. */
    teamPresent: text('team_present').notNull().default('[]'),
    /** The period the pre-filled figures were counted over (YYYY-MM-DD, inclusive). */
    figuresFrom: text('figures_from').notNull(),
    figuresTo: text('figures_to').notNull(),
    strengths: text('strengths').notNull().default(''),
    difficulties: text('difficulties').notNull().default(''),
    status: text('status', { enum: supervisionStatuses }).notNull().default('draft'),
    reviewComment: text('review_comment').notNull().default(''),
    notMetCount: integer('not_met_count').notNull().default(0),
    amendsId: integer('amends_id').references((): any => supervisionRecords.id),
    supersededById: integer('superseded_by_id').references((): any => supervisionRecords.id),
    submittedAt: text('submitted_at'),
    reviewedAt: text('reviewed_at'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('supervision_round_idx').on(table.roundId, table.areaId),
    index('supervision_area_date_idx').on(table.areaId, table.visitDate),
    index('supervision_date_idx').on(table.visitDate, table.status),
    index('supervision_amends_idx').on(table.amendsId),
  ],
);

/** One item's answer: met / not met / not applicable, a note, and the figure the item asks for (with its pre-fill). */
export const supervisionItemAnswers = sqliteTable(
  'supervision_answers',
  {
    recordId: integer('record_id')
      .notNull()
      .references(() => supervisionRecords.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull(),
    answer: text('answer', { enum: supervisionAnswers }),
    note: text('note').notNull().default(''),
    figure: integer('figure'),
    /** What the figure was pre-filled from ('outreach', 'checks', 'findings', 'victims') and how many records gave it. */
    prefillSource: text('prefill_source'),
    prefillRecords: integer('prefill_records'),
    prefillValue: integer('prefill_value'),
  },
  (table) => [primaryKey({ columns: [table.recordId, table.itemCode] })],
);

/**
 * A recommendation (kiến nghị) of a supervision record, addressed to an agency (free text) or an area, followed
 * up like a follow-up once the record is approved. Overdue is computed from due_date, never stored.
 */
export const recommendations = sqliteTable(
  'recommendations',
  {
    id: integer('id').primaryKey(),
    recordId: integer('record_id')
      .notNull()
      .references(() => supervisionRecords.id),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    /** The supervised area (the record's): scope and lists by area. */
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    body: text('body').notNull(),
    addressee: text('addressee').notNull().default(''),
    addresseeAreaId: integer('addressee_area_id').references(() => areas.id),
    dueDate: text('due_date').notNull(),
    status: text('status', { enum: recommendationStatuses }).notNull().default('open'),
    doneAt: text('done_at'),
    verifiedAt: text('verified_at'),
    verifiedBy: integer('verified_by').references(() => users.id),
    verificationNote: text('verification_note').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('recommendations_record_idx').on(table.recordId),
    index('recommendations_area_due_idx').on(table.areaId, table.dueDate, table.status),
    index('recommendations_status_due_idx').on(table.status, table.dueDate),
    index('recommendations_round_idx').on(table.roundId),
  ],
);

export const recommendationComments = sqliteTable(
  'recommendation_comments',
  {
    id: integer('id').primaryKey(),
    recommendationId: integer('recommendation_id')
      .notNull()
      .references(() => recommendations.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('recommendation_comments_idx').on(table.recommendationId, table.id)],
);
