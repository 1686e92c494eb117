import type { AppDatabase } from '../../../db/client.js';
import { roles, type Role } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso } from '../../lib/dates.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, hasErrors, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import type { Language } from '../../i18n/index.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { hashPassword, isGuessable, type PasswordCheck } from '../../access/passwords.js';
import { sessionsRepository } from '../../access/sessions.repository.js';
import { diff, type Snapshot } from '../audit/index.js';
import { usersPolicy } from './users.policy.js';
import { usersRepository, type UserRow } from './users.repository.js';
import { onceFor, submissionKeyPattern, formKeysRepository } from '../form-keys/index.js';
import type { NewUserInput, OwnPasswordInput, PasswordResetInput, UserListQuery, UserUpdateInput } from './users.schemas.js';
import type { AuditService } from '../audit/index.js';

export type PublicUser = Omit<UserRow, 'passwordHash'>;

function withoutSecret(user: UserRow): PublicUser {
  const { passwordHash: _secret, ...rest } = user;
  return rest;
}

export interface UsersServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  audit: AuditService;
  now?: () => Date;
}

export function usersService({ db, catalog, audit, now = () => new Date() }: UsersServiceDeps) {
  const repository = usersRepository(db);
  const sessions = sessionsRepository(db);

  function snapshot(user: UserRow): Snapshot {
    return {
      email: user.email,
      name: user.name,
      role: user.role,
      area: user.areaId === null ? null : (catalog.byId.get(user.areaId)?.name ?? String(user.areaId)),
      disabled: user.disabledAt !== null,
    };
  }

  function load(id: number): UserRow {
    const user = repository.findById(id);
    if (!user) throw new NotFoundError('user');
    return user;
  }

  function checkArea(areaId: number | null, errors: FieldErrors): void {
    if (areaId !== null && !catalog.isOffered(areaId)) addFieldError(errors, 'areaId', 'errors.userArea.invalid');
  }

  /** The last active admin can be neither disabled nor given another role: someone must be able to manage accounts. */
  function guardLastAdmin(user: UserRow, nextRole: Role | null): void {
    const losesAdmin = user.role === 'admin' && user.disabledAt === null && nextRole !== 'admin';
    if (losesAdmin && repository.countActiveAdmins() <= 1) throw new StateError({ key: 'errors.lastAdmin' });
  }

  function areaOf(user: UserRow): number[] {
    return user.areaId === null ? [] : [user.areaId];
  }

  return {
    countUsers(): number {
      return repository.count();
    },

    findById(id: number): PublicUser {
      return withoutSecret(load(id));
    },

    /** People to filter a list by: admins (who manage accounts) see everyone with emails; others only people of their area, by name. */
    peopleToFilterBy(actor: Actor): Array<{ id: number; name: string; email: string | null }> {
      if (actor.role === 'admin') return repository.list({}, 1000, 0).map(({ id, name, email }) => ({ id, name, email }));
      return repository.activeInScope(roles, actor.scope, { limit: 1000 }).map(({ id, name }) => ({ id, name, email: null }));
    },

    findByEmail(email: string): PublicUser | undefined {
      const user = repository.findByEmail(email);
      return user ? withoutSecret(user) : undefined;
    },

    listUsers(query: UserListQuery): Page<PublicUser> {
      const filter = { q: query.q, ...(query.role ? { role: query.role } : {}), ...(query.status ? { status: query.status } : {}) };
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const items = repository.list(filter, window.pageSize, window.offset).map(withoutSecret);
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** Creates an account; the area, a taken email and a guessable password are checked here. */
    async createUser(actor: Actor, input: NewUserInput, submissionKey: string): Promise<FormResult<{ id: number }>> {
      // The same form sent twice answers with the account the first one made (not "email taken").
      const earlier = submissionKeyPattern.test(submissionKey) ? formKeysRepository(db).find(submissionKey, actor.userId, 'user') : undefined;
      if (earlier !== undefined) return { ok: true, value: { id: earlier } };
      const errors: FieldErrors = {};
      checkArea(input.areaId, errors);
      if (repository.findByEmail(input.email)) addFieldError(errors, 'email', 'errors.email.taken');
      if (await isGuessable(input.password, [input.email, input.name])) addFieldError(errors, 'password', 'errors.password.weak');
      if (hasErrors(errors)) return { ok: false, errors };
      const passwordHash = await hashPassword(input.password);
      const at = nowIso(now());
      try {
        const id = inTransaction(db, () => onceFor(db, submissionKey, actor.userId, 'user', () => {
          const userId = repository.insert({
            email: input.email,
            name: input.name,
            role: input.role,
            areaId: input.areaId,
            passwordHash,
            lang: null,
            disabledAt: null,
            passwordChangedAt: at,
            createdAt: at,
            updatedAt: at,
          });
          const created = repository.findById(userId)!;
          audit.record(actor, { action: 'create', recordType: 'user', recordId: userId, changes: diff(null, snapshot(created)), areaIds: areaOf(created) });
          return userId;
        }, at));
        return { ok: true, value: { id } };
      } catch (error) {
        // Two admins creating the same email at once: the unique index decides.
        if (String(error).includes('UNIQUE')) return { ok: false, errors: { email: [{ key: 'errors.email.taken' }] } };
        throw error;
      }
    },

    updateUser(actor: Actor, id: number, input: UserUpdateInput): FormResult<{ id: number }> {
      const user = load(id);
      const errors: FieldErrors = {};
      checkArea(input.areaId, errors);
      if (hasErrors(errors)) return { ok: false, errors };
      if (input.version !== user.version) throw new ConflictError();
      guardLastAdmin(user, input.role);
      inTransaction(db, () => {
        const at = nowIso(now());
        if (!repository.update(id, user.version, { name: input.name, role: input.role, areaId: input.areaId, updatedAt: at })) throw new ConflictError();
        const updated = repository.findById(id)!;
        // A change of role or area takes effect at once: the person signs in again with the new rights.
        if (updated.role !== user.role || updated.areaId !== user.areaId) sessions.deleteForUser(id);
        audit.record(actor, { action: 'update', recordType: 'user', recordId: id, changes: diff(snapshot(user), snapshot(updated)), areaIds: [...areaOf(user), ...areaOf(updated)] });
      });
      return { ok: true, value: { id } };
    },

    /** Disables (or enables) an account; disabling ends all its sessions at once. */
    setDisabled(actor: Actor, id: number, disabled: boolean): void {
      const user = load(id);
      if (disabled && user.disabledAt === null && !usersPolicy.canDisable(actor, user)) throw new StateError({ key: 'errors.disableSelf' });
      if (disabled) guardLastAdmin(user, null);
      if ((user.disabledAt !== null) === disabled) return;
      inTransaction(db, () => {
        const at = nowIso(now());
        repository.update(id, user.version, { disabledAt: disabled ? at : null, updatedAt: at });
        if (disabled) sessions.deleteForUser(id);
        const updated = repository.findById(id)!;
        audit.record(actor, { action: disabled ? 'disable' : 'enable', recordType: 'user', recordId: id, changes: diff(snapshot(user), snapshot(updated)), areaIds: areaOf(user) });
      });
    },

    /** An admin (or the command line) sets a new password; every session of the account ends. */
    async resetPassword(actor: Actor, id: number, input: PasswordResetInput): Promise<FormResult<{ id: number }>> {
      const user = load(id);
      if (await isGuessable(input.password, [user.email, user.name])) return { ok: false, errors: { password: [{ key: 'errors.password.weak' }] } };
      const passwordHash = await hashPassword(input.password);
      inTransaction(db, () => {
        const at = nowIso(now());
        const current = repository.findById(id)!;
        repository.update(id, current.version, { passwordHash, passwordChangedAt: at, updatedAt: at });
        sessions.deleteForUser(id);
        audit.record(actor, { action: 'password_reset', recordType: 'user', recordId: id, areaIds: areaOf(user) });
      });
      return { ok: true, value: { id } };
    },

    /**
     * A person changes their own password: `change` is the form read by the route (the new password typed twice,
     * or its messages); the current one, when typed, is checked by `checkCurrent` (which limits and audits wrong
     * guesses like sign-ins) even when the rest was refused; their other sessions end.
     */
    async changeOwnPassword(
      actor: Actor,
      sessionId: string,
      change: FormResult<OwnPasswordInput>,
      currentPassword: string,
      checkCurrent: (user: UserRow, password: string) => Promise<PasswordCheck>,
    ): Promise<FormResult<null> & { locked?: boolean }> {
      if (actor.userId === null) throw new NotFoundError('user');
      const user = load(actor.userId);
      const errors: FieldErrors = change.ok ? {} : { ...change.errors };
      if (change.ok && (await isGuessable(change.value.password, [user.email, user.name]))) addFieldError(errors, 'password', 'errors.password.weak');
      if (currentPassword) {
        const check = await checkCurrent(user, currentPassword);
        if (check.outcome === 'locked') {
          addFieldError(errors, 'currentPassword', 'auth.lockedPassword', { minutes: Math.ceil(check.retryAfterSeconds / 60) });
          return { ok: false, errors, locked: true };
        }
        if (check.outcome === 'wrong') addFieldError(errors, 'currentPassword', 'errors.currentPassword.wrong');
      }
      if (!change.ok || hasErrors(errors)) return { ok: false, errors };
      const passwordHash = await hashPassword(change.value.password);
      inTransaction(db, () => {
        const at = nowIso(now());
        const current = repository.findById(user.id)!;
        repository.update(user.id, current.version, { passwordHash, passwordChangedAt: at, updatedAt: at });
        sessions.deleteForUser(user.id, sessionId);
        audit.record(actor, { action: 'password_change', recordType: 'user', recordId: user.id, areaIds: areaOf(user) });
      });
      return { ok: true, value: null };
    },

    setLanguage(actor: Actor, lang: Language): void {
      if (actor.userId === null) return;
      const user = load(actor.userId);
      if (user.lang === lang) return;
      inTransaction(db, () => {
        repository.update(user.id, user.version, { lang, updatedAt: nowIso(now()) });
        audit.record(actor, { action: 'update', recordType: 'user', recordId: user.id, changes: { lang: [user.lang, lang] }, areaIds: areaOf(user) });
      });
    },
  };
}

export type UsersService = ReturnType<typeof usersService>;
