import { formatDate } from '../../../lib/dates.js';
import type { SectionProvider } from './types.js';

/** Direction and plans issued: the plans and campaigns in effect in the area during the period, with their numbers. */
export const directionSection: SectionProvider = {
  key: 'direction',
  title: 'periodic.section.direction',
  build(context) {
    const campaigns = context.records.campaignsInEffect();
    const { from, to } = context.period;
    const issued = campaigns.filter((campaign) => campaign.startDate >= from && campaign.startDate <= to);
    return {
      figures: [
        { key: 'campaignsInEffect', label: 'periodic.figure.campaignsInEffect', value: campaigns.length, unit: 'count', link: '/campaigns' },
        { key: 'campaignsIssued', label: 'periodic.figure.campaignsIssued', value: issued.length, unit: 'count', link: '/campaigns' },
      ],
      rows: {
        columns: ['periodic.col.plan', 'periodic.col.planNumber', 'periodic.col.planPeriod'],
        items: campaigns.map((campaign) => ({ label: campaign.title, cells: [campaign.planNumber, `${formatDate(campaign.startDate)} – ${formatDate(campaign.endDate)}`], link: `/campaigns/${campaign.id}` })),
      },
    };
  },
};
