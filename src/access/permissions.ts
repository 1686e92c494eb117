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
  /** Returned victims and their support, as counts per area and quarter (never names). Inspectors have no access. */
  'victims.read': ['admin', 'department_head', 'auditor'],
  'victims.write': ['admin', 'department_head'],
  /** Seeing victim counts of 1–4 as they are on pages; everyone else (and every export) sees "<5". */
  'victims.exact': ['admin', 'department_head'],
  /** Prevention models and clubs: everyone reads those of their scope; heads and admins keep the register. */
  'models.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'models.write': ['admin', 'department_head'],
  /**
   * Situations watched (counts per area and period, never names): entered by the area's people, as outreach is
   * (an inspector only for the areas of their scope, which every service checks).
   */
  'monitoring.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'monitoring.write': ['admin', 'department_head', 'inspector'],
  /** The roster of báo cáo viên and tuyên truyền viên (names of officials, not of the public). */
  'propagandists.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'propagandists.write': ['admin', 'department_head'],
  /**
   * Supervision records (biên bản giám sát) of area authorities, their recommendations, and the area pages that
   * list them. Filing is for the round's team (accounts on it), heads and admins: the team is checked per record.
   */
  'supervision.read': ['admin', 'department_head', 'inspector', 'auditor'],
  'supervision.file': ['admin', 'department_head', 'inspector'],
  'supervision.review': ['admin', 'department_head'],
  /** Verifying a recommendation done (as follow-ups are verified by heads). */
  'recommendations.manage': ['admin', 'department_head'],
  /** Moving a recommendation along and commenting: heads, and the round's team (checked per record). */
  'recommendations.progress': ['admin', 'department_head', 'inspector'],
  /** District summaries and every export. */
  'reports.read': ['admin', 'department_head', 'auditor'],
  /**
   * Periodic reports (báo cáo định kỳ). Reading: the reports of the areas in one's scope. Writing (building a
   * draft, its narrative, submitting, issuing a corrected edition): only a head of the report's own area (a head
   * tied to that district or commune; for the province, a head of the whole province), checked per report.
   * Reviewing (accept or return): only a head of the level above (the province's heads), checked per report.
   * Admins may do all of it; inspectors none.
   */
  'periodicReports.read': ['admin', 'department_head', 'auditor'],
  'periodicReports.write': ['admin', 'department_head'],
  'periodicReports.review': ['admin', 'department_head'],
  /** The reporting schedule (periods and due dates per level) and the log of reminders sent. */
  'reportingPeriods.manage': ['admin'],
  'audit.read': ['admin', 'auditor'],
  'users.manage': ['admin'],
  /** Webhook endpoints (URL, events, area, secret) and their deliveries. */
  'webhooks.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/** A page of the main menu: shown to the roles that may read it, and first to those whose work it is. */
interface MenuPage {
  href: string;
  /** Message key of the link's text. */
  label: `nav.${string}`;
  read: Permission;
  work: readonly Permission[];
}

/** The main menu, in the order within each half (a role's work first, then what it only reads). */
const menuPages: readonly MenuPage[] = [
  { href: '/admin/users', label: 'nav.users', read: 'users.manage', work: ['users.manage'] },
  { href: '/admin/checklists', label: 'nav.checklists', read: 'checklists.manage', work: ['checklists.manage'] },
  { href: '/admin/webhooks', label: 'nav.webhooks', read: 'webhooks.manage', work: ['webhooks.manage'] },
  { href: '/admin/reporting-periods', label: 'nav.reportingPeriods', read: 'reportingPeriods.manage', work: ['reportingPeriods.manage'] },
  { href: '/campaigns', label: 'nav.campaigns', read: 'campaigns.read', work: ['campaigns.write'] },
  { href: '/rounds', label: 'nav.rounds', read: 'rounds.read', work: ['rounds.write', 'checks.file'] },
  { href: '/calendar', label: 'nav.calendar', read: 'rounds.read', work: ['rounds.write'] },
  { href: '/reports/districts', label: 'nav.reports', read: 'reports.read', work: ['reports.read'] },
  { href: '/periodic-reports', label: 'nav.periodicReports', read: 'periodicReports.read', work: ['periodicReports.write'] },
  // An auditor's work is the records behind the summary, so reports come early for them too.
  { href: '/checks', label: 'nav.checks', read: 'checks.read', work: ['checks.file', 'checks.review', 'reports.read'] },
  { href: '/follow-ups', label: 'nav.followUps', read: 'followups.read', work: ['followups.comment', 'followups.manage'] },
  { href: '/recommendations', label: 'nav.recommendations', read: 'supervision.read', work: ['recommendations.progress'] },
  { href: '/findings', label: 'nav.findings', read: 'findings.read', work: ['findings.refer'] },
  { href: '/audit', label: 'nav.audit', read: 'audit.read', work: ['audit.read'] },
  { href: '/venues', label: 'nav.venues', read: 'venues.read', work: ['venues.write'] },
  { href: '/outreach', label: 'nav.outreach', read: 'outreach.read', work: ['outreach.write'] },
  { href: '/victim-support', label: 'nav.victims', read: 'victims.read', work: ['victims.write'] },
  { href: '/models', label: 'nav.models', read: 'models.read', work: ['models.write'] },
  { href: '/monitoring', label: 'nav.monitoring', read: 'monitoring.read', work: ['monitoring.write'] },
];

/** The menu for a role, derived from its permissions: the pages it works on, then the pages it may only read. */
export function menuFor(role: Role): Array<{ href: string; label: `nav.${string}` }> {
  const readable = menuPages.filter((page) => can(role, page.read));
  const isWork = (page: MenuPage) => page.work.some((permission) => can(role, permission));
  return [...readable.filter(isWork), ...readable.filter((page) => !isWork(page))].map(({ href, label }) => ({ href, label }));
}
