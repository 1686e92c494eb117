import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import { scopeIncludes } from '../../access/scope.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import { parentArea } from './periodic-reports.levels.js';
import type { PeriodicReportRow } from './periodic-reports.repository.js';

/** What a person may do with one report, computed once for the template. */
export interface ReportAbilities {
  edit: boolean;
  submit: boolean;
  review: boolean;
  correct: boolean;
  /** Victim counts of 1–4 as they are (else "<5"). */
  exact: boolean;
}

/**
 * The rules per report, on top of the role's permission: a head acts for their own area only (a head tied to
 * the area; for the province, a head of the whole province), and reviews only the reports of the level below
 * theirs. Admins may do all of it. Anyone who reads a report must have its area in their scope.
 */
export function periodicReportsPolicy(catalog: AreaCatalog) {
  /** A head of this area: tied to it, or (for the province) to the whole province. */
  function isHeadOf(actor: Actor, area: AreaRecord): boolean {
    if (actor.role === 'admin') return true;
    if (actor.role !== 'department_head') return false;
    if (area.id === catalog.province.id) return actor.areaId === null || actor.areaId === catalog.province.id;
    return actor.areaId === area.id;
  }

  return {
    isHeadOf,

    /** A report is read by those whose scope holds its area (the province's only by those of the whole province). */
    mayRead(actor: Actor, areaId: number): boolean {
      if (!can(actor.role, 'periodicReports.read')) return false;
      if (areaId === catalog.province.id) return actor.scope.all;
      return scopeIncludes(actor.scope, areaId);
    },

    mayBuild(actor: Actor, area: AreaRecord): boolean {
      return can(actor.role, 'periodicReports.write') && isHeadOf(actor, area);
    },

    /** Reviewing: a head of the area above the report's. */
    mayReview(actor: Actor, area: AreaRecord): boolean {
      const parent = parentArea(catalog, area);
      return parent !== null && can(actor.role, 'periodicReports.review') && isHeadOf(actor, parent);
    },

    abilities(actor: Actor, report: PeriodicReportRow, area: AreaRecord): ReportAbilities {
      const own = can(actor.role, 'periodicReports.write') && isHeadOf(actor, area);
      const editable = report.status === 'draft' || report.status === 'returned';
      const isProvince = area.id === catalog.province.id;
      // The province's report leaves the app when submitted (to the national level): final as it is.
      const final = report.status === 'accepted' || (isProvince && report.status === 'submitted');
      return {
        edit: own && editable,
        submit: own && editable,
        review: report.status === 'submitted' && this.mayReview(actor, area),
        correct: own && final && report.replacedById === null,
        exact: can(actor.role, 'victims.exact'),
      };
    },
  };
}

export type PeriodicReportsPolicy = ReturnType<typeof periodicReportsPolicy>;
