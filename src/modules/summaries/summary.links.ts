import { formatDate } from '../../lib/dates.js';
import { monitoringFigureOf, type Summary, type SummaryRow } from './summary.service.js';

/** The row a figure belongs to: its unit, and the side of the reform its records are on (a whole period without). */
type LinkRow = { area: Pick<SummaryRow['area'], 'id'>; part?: SummaryRow['part'] };

/**
 * The list behind each figure, with the same campaign, and the row's unit and part of the period: a row's
 * records are those of its side of the reform, and by commune the lists match each record's area on its date.
 * `(figure, row, category?, filter?)` → a URL. Periodic reports link their figures through the same function
 * (a row of their own area), so both lead to the same records.
 */
export function summaryFigureLink(summary: Pick<Summary, 'from' | 'to' | 'campaignId'> & Partial<Pick<Summary, 'level' | 'parts' | 'topic'>>) {
  const campaign = summary.campaignId ? `&campaign=${summary.campaignId}` : '';
  const topic = summary.topic ? `&topic=${encodeURIComponent(summary.topic)}` : '';
  return (figure: string, row: LinkRow | null, category?: string, filter?: string): string => {
    const dates = (row && summary.parts?.find((part) => part.part === row.part)) ?? summary;
    const period = `from=${encodeURIComponent(formatDate(dates.from))}&to=${encodeURIComponent(formatDate(dates.to))}`;
    const areaId = row ? row.area.id : null;
    const area = areaId ? `&area=${areaId}${summary.level === 'commune' ? '&level=commune' : ''}` : '';
    const base = `${period}${area}${campaign}`;
    switch (figure) {
      case 'rounds':
        return `/rounds?${base}&held=1`;
      case 'venuesChecked':
      case 'reportsApproved':
      case 'staffCounselled':
        return `/checks?${base}&status=approved&current=1`;
      case 'reportsPending':
        return `/checks?${base}&status=submitted`;
      case 'violations':
        return `/findings?${base}&approved=1${category !== undefined ? `&category=${category || 'none'}` : ''}`;
      case 'critical':
        return `/findings?${base}&approved=1&severity=critical`;
      case 'criticalReferred':
        return `/findings?${base}&approved=1&severity=critical&referral=done`;
      case 'followUpsOpen':
        return `/follow-ups?${base}&approved=1&open=1`;
      case 'followUpsOverdue':
        return `/follow-ups?${base}&approved=1&overdue=1`;
      case 'followUpsDone':
        return `/follow-ups?${base}&approved=1&status=done`;
      case 'followUpsVerified':
        return `/follow-ups?${base}&approved=1&status=verified`;
      case 'fines':
      case 'fineTotal':
        return `/follow-ups?${base}&approved=1&measure=fine`;
      case 'victimsReturned':
      case 'victimsSupported':
      case 'victimsHandedToFamily': {
        // Victim records are by quarter: the list filters by year, when the period is within one.
        const year = summary.from.slice(0, 4) === summary.to.slice(0, 4) ? `year=${summary.from.slice(0, 4)}` : '';
        const params = [year, areaId ? `area=${areaId}` : ''].filter(Boolean).join('&');
        return `/victim-support${params ? `?${params}` : ''}`;
      }
      case 'outreachSessions':
      case 'participants':
      case 'women':
      case 'notSplit':
        return `/outreach?${base}${topic}&inPerson=1`;
      case 'commitments':
        return `/outreach?${base}${topic}&channel=commitment_signing`;
      case 'modelsActive':
      case 'modelMembers':
        return `/models?${period}${area}`;
      case 'modelsNew':
        return `/models?${period}${area}&started=1`;
      case 'modelsReplicated':
        return `/models?${period}${area}&started=1&replicated=1`;
      case 'trainedPropagandists':
        return `/propagandists?${period}${area}&trained=1`;
      case 'monitorInternalMigration':
      case 'monitorWorkAbroad':
      case 'monitorForeignMarriage':
      case 'monitorViolence':
      case 'monitorSexualAbuse':
      case 'monitorTraffickingReported':
      case 'monitorMissing': {
        // Monitoring records are by month or quarter: the page shows a year, when the period is within one.
        const code = Object.keys(monitoringFigureOf).find((key) => monitoringFigureOf[key] === figure) ?? '';
        const year = summary.from.slice(0, 4) === summary.to.slice(0, 4) ? `&year=${summary.from.slice(0, 4)}` : '';
        return `/monitoring?category=${code}${year}${area}`;
      }
      case 'supervisionRecords':
      case 'supervisionNotMet':
        return areaId ? `/areas/${areaId}` : `/rounds?${period}${campaign}&purpose=supervision&held=1`;
      case 'recommendationsOpen':
        return `/recommendations${areaId ? `?area=${areaId}` : ''}`;
      case 'recommendationsOverdue':
        return `/recommendations?overdue=1${area}`;
      case 'recommendationsVerified':
        return `/recommendations?status=verified${area}`;
      default:
        // A channel's output, a target group's reach, a topic's activities: the outreach list narrowed to it.
        return `/outreach?${base}${filter && !(summary.topic && filter.startsWith('topic=')) ? `&${filter}` : ''}${topic}`;
    }
  };
}
