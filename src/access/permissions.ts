import type { Role } from '../../db/schema/index.js';

/**
 * What each role may do: the one place to read (and audit) the app's access rules.
 * Every route names one of these permissions (or is public); the server checks it before the handler runs.
 *
 * - admin: users, areas, checklist versions; everything else too.
 * - department_head: campaigns, rounds and teams; reviews reports; refers critical findings.
 * - inspector: reads the work in their area; files their own reports (rules per record live in each feature's policy).
 * - auditor: reads everything in scope and exports; changes nothing.
 */
export const permissions = {
  /** Home page, own profile, own password and language. */
  'app.use': ['admin', 'department_head', 'inspector', 'auditor'],
  'rounds.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'rounds.write': ['admin', 'department_head'],
  'venues.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'venues.write': ['admin', 'department_head', 'inspector'],
  'venues.import': ['admin', 'department_head'],
  'checks.read': ['admin', 'department_head', 'inspector', 'auditor'],
  /** Filing and editing one's own reports (the round's team and the report's owner are checked per record). */
  'checks.file': ['admin', 'department_head', 'inspector'],
  'checks.review': ['admin', 'department_head'],
  'checklists.manage': ['admin'],
  'findings.read': ['admin', 'department_head', 'inspector', 'auditor'],
  /** Referring critical findings to police or border guard. */
  'findings.refer': ['admin', 'department_head'],
  /** Seeing the short note that could identify a possible victim (never exported). */
  'findings.sensitive': ['admin', 'department_head'],
  'followups.read': ['admin', 'department_head', 'inspector', 'auditor'],
  /** Creating follow-ups and closing findings. */
  'followups.manage': ['admin', 'department_head'],
  'followups.verify': ['admin', 'department_head'],
  /** Commenting, and moving a follow-up assigned to oneself along (the assignment is checked per record). */
  'followups.comment': ['admin', 'department_head', 'inspector'],
  'campaigns.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'campaigns.write': ['admin', 'department_head'],
  'outreach.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'outreach.write': ['admin', 'department_head', 'inspector'],
  /** District summaries and every export. */
  'reports.read': ['admin', 'department_head', 'auditor'],
  'audit.read': ['admin', 'auditor'],
  'users.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
