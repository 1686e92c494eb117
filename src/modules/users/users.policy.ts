import type { Actor } from '../../access/actor.js';

/**
 * Who may do what with an account, beyond the route's permission (admins only):
 * - a disabled account may be enabled again;
 * - an active account may be disabled, but not by the person it belongs to (nobody locks themselves out).
 * The last active admin is guarded by the service, which counts them.
 */
export const usersPolicy = {
  canEnable(_actor: Actor, account: { disabledAt: string | null }): boolean {
    return account.disabledAt !== null;
  },

  canDisable(actor: Actor, account: { id: number; disabledAt: string | null }): boolean {
    return account.disabledAt === null && account.id !== actor.userId;
  },
};
