import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';

export const venueStatuses = ['operating', 'suspended', 'closed'] as const;
export type VenueStatus = (typeof venueStatuses)[number];

/** A business that inspections visit (karaoke, restaurant, lodging, …). */
export const venues = sqliteTable(
  'venues',
  {
    id: integer('id').primaryKey(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    /** A district (for venues recorded before 2025-07-01) or a commune. */
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    address: text('address').notNull().default(''),
    ownerName: text('owner_name').notNull().default(''),
    phone: text('phone').notNull().default(''),
    businessRegistrationNumber: text('business_registration_number').notNull().default(''),
    licenceNumber: text('licence_number').notNull().default(''),
    licenceExpiry: text('licence_expiry'),
    staffCount: integer('staff_count'),
    status: text('status', { enum: venueStatuses }).notNull().default('operating'),
    notes: text('notes').notNull().default(''),
    /** Normalised name and address: two venues with the same key in one area are likely the same business. */
    dedupeKey: text('dedupe_key').notNull(),
    /** Normalised name, address, owner, area and numbers: what the search box matches. */
    searchText: text('search_text').notNull(),
    version: integer('version').notNull().default(1),
    /**
     * The day (YYYY-MM-DD, in Vietnam) the venue was registered here: a round counts it only from then. Set when
     * it is added; venues from before the column were given the day they were created.
     */
    registeredOn: text('registered_on'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [
    index('venues_area_name_idx').on(table.areaId, table.name),
    index('venues_dedupe_idx').on(table.areaId, table.dedupeKey),
    index('venues_kind_idx').on(table.kind),
    index('venues_licence_expiry_idx').on(table.licenceExpiry),
    index('venues_name_idx').on(table.name),
    // Lists sort by the search text; walking this index in order stops as soon as a page of matches is found.
    index('venues_search_idx').on(table.searchText),
  ],
);
