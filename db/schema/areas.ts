import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * An administrative unit as it was between valid_from and valid_to (inclusive, YYYY-MM-DD; null = open).
 * Codes are reused across the 2025-07-01 reform, so a unit is never identified by its code alone.
 */
export const areas = sqliteTable(
  'areas',
  {
    id: integer('id').primaryKey(),
    level: text('level', { enum: ['province', 'district', 'commune'] }).notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Normalised name (no diacritics, lower case) for search. */
    nameKey: text('name_key').notNull(),
    parentId: integer('parent_id').references((): any => areas.id),
    validFrom: text('valid_from'),
    validTo: text('valid_to'),
  },
  (table) => [
    index('areas_level_code_idx').on(table.level, table.code),
    index('areas_parent_idx').on(table.parentId),
  ],
);

/** The many-to-many old → new mapping of the 2025-07-01 reform (commune to commune, or a whole district to a special zone). */
export const areaLinks = sqliteTable(
  'area_links',
  {
    oldAreaId: integer('old_area_id').notNull().references(() => areas.id),
    newAreaId: integer('new_area_id').notNull().references(() => areas.id),
    note: text('note').notNull().default(''),
  },
  (table) => [primaryKey({ columns: [table.oldAreaId, table.newAreaId] }), index('area_links_new_idx').on(table.newAreaId)],
);

/** Small key/value facts about this installation (what has been loaded, when). */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
