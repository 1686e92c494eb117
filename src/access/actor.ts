import type { Role } from '../../db/schema/index.js';
import type { AreaScope } from './scope.js';

/**
 * Who is acting, passed explicitly to every service: for the area scope of what they read and write,
 * and for the audit trail. The command line and start-up act as named system actors with no user id.
 */
export interface Actor {
  userId: number | null;
  name: string;
  role: Role;
  areaId: number | null;
  scope: AreaScope;
  ip: string;
}

export function systemActor(name: string): Actor {
  return { userId: null, name, role: 'admin', areaId: null, scope: { all: true }, ip: '' };
}
