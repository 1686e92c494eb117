import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

export const tokenAccess = ['read', 'write'] as const;
export type TokenAccess = (typeof tokenAccess)[number];
export const tokenKinds = ['personal', 'service'] as const;
export type TokenKind = (typeof tokenKinds)[number];

/**
 * Access tokens for the JSON API (`Authorization: Bearer pcmbn_…`). Only the SHA-256 of a token is kept; it acts
 * as its account (role and area read afresh on every request), so it never grants more than the account, and a
 * disabled account's tokens stop at once. A personal token is made by its owner on /profile; a service token by
 * an admin, on the page of the (service) account it acts as.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: tokenKinds }).notNull(),
    name: text('name').notNull(),
    /** The token's first characters (`pcmbn_ab12`), shown in lists so a person can tell tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    access: text('access', { enum: tokenAccess }).notNull(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: text('created_at').notNull(),
    /** UTC moment after which the token answers 401. */
    expiresAt: text('expires_at').notNull(),
    /** Updated at most once a minute, so reads stay cheap. */
    lastUsedAt: text('last_used_at'),
    lastUsedIp: text('last_used_ip').notNull().default(''),
    revokedAt: text('revoked_at'),
  },
  (table) => [uniqueIndex('api_tokens_hash_unique').on(table.tokenHash), index('api_tokens_user_idx').on(table.userId)],
);
