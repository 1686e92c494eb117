import { formatDate } from '../../lib/dates.js';
import type { Summary } from './summary.service.js';

/**
 * The list behind each figure of a summary, with the same period, area and campaign: `(figure, areaId, category?)`
 * → a URL. Periodic reports link their figures through the same function, so both lead to the same records.
 */
export function summaryFigureLink(summary: Pick<Summary, 'from' | 'to' | 'campaignId'>) {
  const period = `from=${encodeURIComponent(formatDate(summary.from))}&to=${encodeURIComponent(formatDate(summary.to))}`;
  const campaign = summary.campaignId ? `&campaign=${summary.campaignId}` : '';
  return (figure: string, areaId: number | null, category?: string): string => {
    const area = areaId ? `&area=${areaId}` : '';
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
      default:
        return `/outreach?${base}`;
    }
  };
}
