import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
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
    /** Kept after the browser closes (“remember this device”); otherwise the cookie lasts the browser session. */
    remember: integer('remember', { mode: 'boolean' }).notNull().default(false),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

/**
 * Sign-in attempts and checks of a current password. An attempt is reserved (pending) before its password is
 * verified, so guesses sent at once count before any of them is checked; a success removes it.
 */
export const loginAttempts = sqliteTable(
  'login_attempts',
  {
    id: integer('id').primaryKey(),
    /** SHA-256 of the email as typed (trimmed, lower case): what was typed is never kept. */
    accountKey: text('account_key').notNull(),
    ip: text('ip').notNull(),
    /** The known device the attempt came from (its token's SHA-256), or '' from anywhere else. */
    device: text('device').notNull().default(''),
    state: text('state', { enum: ['pending', 'failed'] }).notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('login_attempts_account_idx').on(table.accountKey, table.at), index('login_attempts_ip_idx').on(table.ip, table.at)],
);

/**
 * Browsers where a person has signed in before (a long-lived cookie holds the token; its SHA-256 is kept):
 * others' failed guesses never lock a person out on these.
 */
export const knownDevices = sqliteTable(
  'known_devices',
  {
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.tokenHash, table.userId] }), index('known_devices_used_idx').on(table.lastUsedAt)],
);

/** Secrets the server makes once and keeps (the key that binds form tokens to sessions). */
export const appSecrets = sqliteTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: text('created_at').notNull(),
});

