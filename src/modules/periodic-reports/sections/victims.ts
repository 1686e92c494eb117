import type { SectionProvider } from './types.js';

/** Returned victims supported: counts only, from the quarters wholly inside the period (small cells hidden in every document). */
export const victimsSection: SectionProvider = {
  key: 'victims',
  title: 'periodic.section.victims',
  build(context) {
    const total = context.summary().total;
    return {
      figures: (['victimsReturned', 'victimsSupported', 'victimsHandedToFamily'] as const).map((key) => ({
        key,
        label: `summary.col.${key}` as const,
        value: total[key],
        unit: 'count' as const,
        link: context.summaryLink(key),
        victim: true,
      })),
    };
  },
};
