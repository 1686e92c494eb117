import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas.js';

export const roles = ['admin', 'department_head', 'inspector', 'auditor'] as const;
export type Role = (typeof roles)[number];

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey(),
    /** Stored lower case; the sign-in name. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    /** The one area the user is limited to (a district, or a commune from 2025-07-01); null = the whole province. */
    areaId: integer('area_id').references(() => areas.id),
    passwordHash: text('password_hash').notNull(),
    lang: text('lang', { enum: ['vi', 'en'] }),
    disabledAt: text('disabled_at'),
    passwordChangedAt: text('password_changed_at').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [uniqueIndex('users_email_unique').on(table.email), index('users_role_idx').on(table.role)],
);

/** Server-side sessions; the cookie holds a random token whose SHA-256 is the id, so a stolen database holds no live token. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    ip: text('ip').notNull().default(''),
    userAgent: text('user_agent').notNull().default(''),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

/** Failed sign-ins, for throttling by account and by address. */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('login_failures_email_idx').on(table.email, table.at), index('login_failures_ip_idx').on(table.ip, table.at)],
);
