import type { SectionProvider } from './types.js';

/** Inspection rounds and venue checks: rounds held, venues checked, visit reports, and the staff counselled. */
export const inspectionsSection: SectionProvider = {
  key: 'inspections',
  title: 'periodic.section.inspections',
  build(context) {
    const total = context.summary().total;
    return {
      figures: (['rounds', 'venuesChecked', 'reportsApproved', 'reportsPending', 'staffCounselled'] as const).map((key) => ({
        key,
        label: `summary.col.${key}` as const,
        value: total[key],
        unit: 'count' as const,
        link: context.summaryLink(key),
      })),
    };
  },
};
