import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { rounds } from './rounds.js';
import { users } from './users.js';
import { venues } from './venues.js';

/** A published checklist is never changed: a report keeps the version it was filed with. */
export const checklistTemplates = sqliteTable(
  'checklist_templates',
  {
    id: integer('id').primaryKey(),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    titleVi: text('title_vi').notNull(),
    titleEn: text('title_en').notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    /** JSON: { categories: [{code, vi, en}], items: [{code, category, severity, applies_to, vi, en, basis}] } */
    body: text('body').notNull(),
    createdAt: text('created_at').notNull(),
    publishedAt: text('published_at'),
    /** Bumped on every edit of a draft, so two admins editing it cannot overwrite each other. */
    revision: integer('revision').notNull().default(1),
  },
  (table) => [uniqueIndex('checklist_code_version_unique').on(table.code, table.version)],
);

export const checkStatuses = ['draft', 'submitted', 'approved', 'returned'] as const;
export type CheckStatus = (typeof checkStatuses)[number];
export const checkAnswers = ['compliant', 'violation', 'not_applicable'] as const;
export type CheckAnswer = (typeof checkAnswers)[number];

/** A visit report (biên bản kiểm tra): one venue checked in one round. */
export const checks = sqliteTable(
  'checks',
  {
    id: integer('id').primaryKey(),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    venueId: integer('venue_id')
      .notNull()
      .references(() => venues.id),
    /** The venue's area, copied so lists and counts by area need no join. */
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    templateId: integer('template_id')
      .notNull()
      .references(() => checklistTemplates.id),
    /** Who files and edits it. */
    inspectorId: integer('inspector_id')
      .notNull()
      .references(() => users.id),
    visitDate: text('visit_date').notNull(),
    visitTime: text('visit_time').notNull().default(''),
    status: text('status', { enum: checkStatuses }).notNull().default('draft'),
    /** JSON list of the team members present, as names (a report records who was there). */
    teamPresent: text('team_present').notNull().default('[]'),
    representativeName: text('representative_name').notNull().default(''),
    representativePosition: text('representative_position').notNull().default(''),
    ownersPresent: integer('owners_present'),
    staffPresent: integer('staff_present'),
    staffCounselled: integer('staff_counselled'),
    materialsGiven: text('materials_given').notNull().default(''),
    venueComments: text('venue_comments').notNull().default(''),
    conclusion: text('conclusion').notNull().default(''),
    /** The reviewer's comment when the report was returned. */
    reviewComment: text('review_comment').notNull().default(''),
    violationCount: integer('violation_count').notNull().default(0),
    /** A correction of an approved report points to it; the corrected one points to its amendment once approved. */
    amendsId: integer('amends_id').references((): any => checks.id),
    supersededById: integer('superseded_by_id').references((): any => checks.id),
    submittedAt: text('submitted_at'),
    reviewedAt: text('reviewed_at'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('checks_round_idx').on(table.roundId, table.visitDate),
    index('checks_venue_idx').on(table.venueId, table.visitDate),
    index('checks_area_date_idx').on(table.areaId, table.visitDate),
    // Covers the summaries' reading of a period (no table lookups for a year of reports).
    index('checks_date_summary_idx').on(table.visitDate, table.areaId, table.status, table.supersededById, table.venueId, table.staffCounselled),
    index('checks_amends_idx').on(table.amendsId),
    index('checks_status_date_idx').on(table.status, table.visitDate),
    index('checks_inspector_idx').on(table.inspectorId, table.status),
  ],
);

export const checkItemAnswers = sqliteTable(
  'check_answers',
  {
    checkId: integer('check_id')
      .notNull()
      .references(() => checks.id, { onDelete: 'cascade' }),
    itemCode: text('item_code').notNull(),
    answer: text('answer', { enum: checkAnswers }),
    note: text('note').notNull().default(''),
  },
  (table) => [primaryKey({ columns: [table.checkId, table.itemCode] })],
);

export const checkAttachments = sqliteTable(
  'check_attachments',
  {
    id: integer('id').primaryKey(),
    checkId: integer('check_id')
      .notNull()
      .references(() => checks.id),
    originalName: text('original_name').notNull(),
    storedName: text('stored_name').notNull(),
    thumbnailName: text('thumbnail_name'),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: integer('uploaded_by')
      .notNull()
      .references(() => users.id),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('check_attachments_check_idx').on(table.checkId)],
);
