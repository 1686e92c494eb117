import { createHash, randomBytes } from 'node:crypto';
import type { AppDatabase } from '../../../db/client.js';
import type { TokenKind } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso } from '../../lib/dates.js';
import { NotFoundError } from '../../lib/errors.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeOfArea } from '../../access/scope.js';
import type { AuditService } from '../audit/index.js';
import { onceFor } from '../form-keys/index.js';
import { usersRepository, type UserRow } from '../users/index.js';
import { tokensRepository, type TokenRow } from './tokens.repository.js';
import type { TokenInput } from './tokens.schemas.js';

/** Every token starts so, so a leaked one is easy to find (in a repository, a log, a chat). */
export const TOKEN_PREFIX = 'pcmbn_';
const tokenPattern = /^pcmbn_[A-Za-z0-9_-]{43}$/;
/** `last_used_at` is written at most this often per token: a busy integration does not turn reads into writes. */
const TOUCH_SECONDS = 60;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Why a bearer token was refused (each answers 401; the reason is said in the problem's detail). */
export type TokenRefusal = 'invalid' | 'expired' | 'revoked' | 'disabled';

export type TokenAuthentication = { ok: true; user: UserRow; token: TokenRow; actor: Actor } | { ok: false; reason: TokenRefusal };

export interface TokenView extends Omit<TokenRow, 'tokenHash'> {
  state: 'active' | 'expired' | 'revoked';
}

export function tokensService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const repository = tokensRepository(db);
  const users = usersRepository(db);

  function view(row: TokenRow): TokenView {
    const { tokenHash: _secret, ...rest } = row;
    const state = row.revokedAt ? 'revoked' : row.expiresAt <= nowIso(now()) ? 'expired' : 'active';
    return { ...rest, state };
  }

  function areasOf(user: UserRow): number[] {
    return user.areaId === null ? [] : [user.areaId];
  }

  return {
    /** A person's tokens (personal ones, and service tokens an admin made for the account). */
    listForUser(userId: number): TokenView[] {
      return repository.listForUser(userId).map(view);
    },

    /**
     * Makes a token for an account: `personal` when people make their own (on /profile), `service` when an admin
     * makes one for a system's account. The secret is returned once and never stored; a form sent twice (its
     * one-time key) makes one token and the second answer has no secret.
     */
    create(actor: Actor, accountId: number, kind: TokenKind, input: TokenInput, submissionKey: string): { id: number; secret: string | null } {
      const account = users.findById(accountId);
      if (!account) throw new NotFoundError('user');
      const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      let made = false;
      const id = inTransaction(db, () =>
        onceFor(db, submissionKey, actor.userId, 'api_token', () => {
          const at = nowIso(now());
          const expiresAt = new Date(now().getTime() + input.days * 24 * 3600 * 1000).toISOString();
          const tokenId = repository.insert({ userId: account.id, kind, name: input.name, prefix: secret.slice(0, TOKEN_PREFIX.length + 4), tokenHash: sha256(secret), access: input.access, createdBy: actor.userId, createdAt: at, expiresAt });
          audit.record(actor, {
            action: 'create',
            recordType: 'api_token',
            recordId: tokenId,
            changes: { account: [null, account.email], kind: [null, kind], name: [null, input.name], access: [null, input.access], expiresAt: [null, expiresAt] },
            areaIds: areasOf(account),
          });
          made = true;
          return tokenId;
        }, nowIso(now())),
      );
      return { id, secret: made ? secret : null };
    },

    /** Revokes a token of this account at once (the next request with it answers 401); another account's token is 404. */
    revoke(actor: Actor, accountId: number, tokenId: number): void {
      const token = repository.findForUser(accountId, tokenId);
      if (!token) throw new NotFoundError('api_token');
      if (token.revokedAt) return;
      const account = users.findById(accountId)!;
      inTransaction(db, () => {
        const at = nowIso(now());
        repository.revoke(token.id, at);
        audit.record(actor, { action: 'revoke', recordType: 'api_token', recordId: token.id, changes: { account: [account.email, account.email], name: [token.name, token.name], revokedAt: [null, at] }, areaIds: areasOf(account) });
      });
    },

    /**
     * The account a bearer token acts as, read afresh (its current role and area), or why it is refused. Notes the
     * token's last use (at most once a minute); writes made with it are audited under a name that says which token.
     */
    authenticate(secret: string, ip: string): TokenAuthentication {
      if (!tokenPattern.test(secret)) return { ok: false, reason: 'invalid' };
      const token = repository.findByHash(sha256(secret));
      if (!token) return { ok: false, reason: 'invalid' };
      if (token.revokedAt) return { ok: false, reason: 'revoked' };
      const moment = now();
      if (token.expiresAt <= nowIso(moment)) return { ok: false, reason: 'expired' };
      const user = users.findById(token.userId);
      if (!user || user.disabledAt !== null) return { ok: false, reason: 'disabled' };
      if (!token.lastUsedAt || Date.parse(token.lastUsedAt) < moment.getTime() - TOUCH_SECONDS * 1000 || token.lastUsedIp !== ip) repository.touch(token.id, nowIso(moment), ip.slice(0, 60));
      const actor: Actor = { userId: user.id, name: `${user.name} (API: ${token.name})`, role: user.role, areaId: user.areaId, scope: scopeOfArea(user.areaId, catalog), ip };
      return { ok: true, user, token, actor };
    },
  };
}

export type TokensService = ReturnType<typeof tokensService>;
