import type { SectionProvider } from './types.js';

/** Findings and follow-ups: violations (by checklist category), critical ones referred, measures and fines. */
export const findingsSection: SectionProvider = {
  key: 'findings',
  title: 'periodic.section.findings',
  build(context) {
    const summary = context.summary();
    const total = summary.total;
    const keys = ['violations', 'critical', 'criticalReferred', 'followUpsOpen', 'followUpsOverdue', 'followUpsDone', 'followUpsVerified', 'fines', 'fineTotal'] as const;
    const categories = summary.categories.filter((category) => (total.byCategory[category.code] ?? 0) > 0);
    return {
      figures: [
        ...keys.map((key) => ({ key, label: `summary.col.${key}` as const, value: total[key], unit: key === 'fineTotal' ? ('vnd' as const) : ('count' as const), link: context.summaryLink(key) })),
        ...categories.map((category) => ({
          key: `category:${category.code}`,
          label: 'periodic.figure.violationsInCategory' as const,
          labelText: category.vi,
          value: total.byCategory[category.code] ?? 0,
          unit: 'count' as const,
          link: context.summaryLink('violations', category.code),
        })),
      ],
    };
  },
};
