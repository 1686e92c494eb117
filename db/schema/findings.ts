import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';
import { checks } from './checks.js';
import { rounds } from './rounds.js';
import { users } from './users.js';
import { venues } from './venues.js';

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];
export const findingStatuses = ['open', 'closed'] as const;
export const followUpStatuses = ['open', 'in_progress', 'done', 'verified'] as const;
export type FollowUpStatus = (typeof followUpStatuses)[number];
export const responsibleKinds = ['venue', 'agency', 'user'] as const;

/** A violation or sign found at a visit: from a checklist answer, or added by the inspector. */
export const findings = sqliteTable(
  'findings',
  {
    id: integer('id').primaryKey(),
    checkId: integer('check_id')
      .notNull()
      .references(() => checks.id),
    venueId: integer('venue_id')
      .notNull()
      .references(() => venues.id),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    visitDate: text('visit_date').notNull(),
    /** The checklist item it came from; null for a finding added outside the checklist. */
    itemCode: text('item_code'),
    category: text('category').notNull().default(''),
    title: text('title').notNull(),
    legalBasis: text('legal_basis').notNull().default(''),
    description: text('description').notNull().default(''),
    severity: text('severity', { enum: severities }).notNull(),
    status: text('status', { enum: findingStatuses }).notNull().default('open'),
    closedAt: text('closed_at'),
    /** Referral of a critical finding: to whom, by whom, when, and the case reference they gave. */
    referralAgency: text('referral_agency'),
    referredBy: integer('referred_by').references(() => users.id),
    referredOn: text('referred_on'),
    referralReference: text('referral_reference').notNull().default(''),
    /** Anything that could identify a possible victim: short, shown only to heads and admins, never exported. */
    victimDetails: text('victim_details').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('findings_check_idx').on(table.checkId),
    index('findings_venue_idx').on(table.venueId, table.status),
    // Covers the triage order too, so an area's list sorts from the index alone.
    index('findings_area_date_idx').on(table.areaId, table.visitDate, table.severity, table.referredOn, table.status),
    // Covers the summaries' reading of a period.
    index('findings_date_summary_idx').on(table.visitDate, table.areaId, table.category, table.severity, table.referredOn, table.checkId),
    index('findings_status_severity_idx').on(table.status, table.severity),
    // The findings list's order (critical ones not yet referred first, then newest): a page needs no sort.
    index('findings_triage_idx').on(
      sql`(case when ${table.severity} = 'critical' and ${table.referredOn} is null and ${table.status} = 'open' then 0 else 1 end)`,
      sql`${table.visitDate} desc`,
      sql`${table.id} desc`,
    ),
  ],
);

/** A measure taken on a finding, worked until verified. Overdue is computed from due_date, never stored. */
export const followUps = sqliteTable(
  'follow_ups',
  {
    id: integer('id').primaryKey(),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id),
    venueId: integer('venue_id')
      .notNull()
      .references(() => venues.id),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    measure: text('measure').notNull(),
    /** Whole VND, for a fine. */
    fineAmount: integer('fine_amount'),
    responsibleKind: text('responsible_kind', { enum: responsibleKinds }).notNull(),
    responsibleAgency: text('responsible_agency'),
    responsibleUserId: integer('responsible_user_id').references(() => users.id),
    dueDate: text('due_date').notNull(),
    status: text('status', { enum: followUpStatuses }).notNull().default('open'),
    doneAt: text('done_at'),
    verifiedAt: text('verified_at'),
    verifiedBy: integer('verified_by').references(() => users.id),
    /** The later approved report that showed the fix, when verification came from a visit. */
    verifiedByCheckId: integer('verified_by_check_id').references(() => checks.id),
    verificationNote: text('verification_note').notNull().default(''),
    description: text('description').notNull().default(''),
    createdBy: integer('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('follow_ups_finding_idx').on(table.findingId),
    // Two partial indexes in due order, one for follow-ups not yet done (overdue, due soon) and one for those
    // done or verified: every list by status reads one of them in order, whatever statistics SQLite has.
    index('follow_ups_open_due_idx').on(table.dueDate, table.id).where(sql`${table.status} in ('open', 'in_progress')`),
    index('follow_ups_settled_due_idx').on(table.status, table.dueDate, table.id).where(sql`${table.status} in ('done', 'verified')`),
    index('follow_ups_area_due_idx').on(table.areaId, table.dueDate, table.status),
    index('follow_ups_user_idx').on(table.responsibleUserId, table.status),
    index('follow_ups_venue_idx').on(table.venueId),
  ],
);

export const followUpComments = sqliteTable(
  'follow_up_comments',
  {
    id: integer('id').primaryKey(),
    followUpId: integer('follow_up_id')
      .notNull()
      .references(() => followUps.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    attachmentName: text('attachment_name'),
    attachmentStoredName: text('attachment_stored_name'),
    attachmentMimeType: text('attachment_mime_type'),
    attachmentSha256: text('attachment_sha256'),
    createdAt: text('created_at').notNull(),
  },
  (table) => [index('follow_up_comments_idx').on(table.followUpId, table.id)],
);

/** A re-inspection's answer about an open finding: fixed or not. Confirmed fixes verify the follow-ups on approval. */
export const findingConfirmations = sqliteTable(
  'finding_confirmations',
  {
    checkId: integer('check_id')
      .notNull()
      .references(() => checks.id, { onDelete: 'cascade' }),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id),
    fixed: integer('fixed', { mode: 'boolean' }),
    note: text('note').notNull().default(''),
  },
  (table) => [primaryKey({ columns: [table.checkId, table.findingId] }), index('finding_confirmations_finding_idx').on(table.findingId)],
);
