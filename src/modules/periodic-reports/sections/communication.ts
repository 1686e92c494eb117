import type { SectionProvider } from './types.js';

/** Communication: outreach sessions and their reach, as the district summary counts them. */
export const communicationSection: SectionProvider = {
  key: 'communication',
  title: 'periodic.section.communication',
  build(context) {
    const total = context.summary().total;
    return {
      figures: (['outreachSessions', 'participants', 'women'] as const).map((key) => ({ key, label: `summary.col.${key}` as const, value: total[key], unit: 'count' as const, link: context.summaryLink(key) })),
    };
  },
};
