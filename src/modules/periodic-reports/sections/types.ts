import type { MessageKey } from '../../../i18n/index.js';
import type { AreaRecord } from '../../../areas/index.js';
import type { AreaScope } from '../../../access/scope.js';
import type { Summary } from '../../summaries/index.js';

/** One figure of a report: what it counts, its value, and the list of records behind it. */
export interface ReportFigure {
  /** Stable across editions, so a snapshot's figure is compared with today's by key. */
  key: string;
  label: MessageKey;
  /** A label's own words where no catalog key names it (a checklist category's name). */
  labelText?: string;
  value: number;
  unit: 'count' | 'vnd';
  /** The list of records behind the figure, as the summary links it; null when there is none. */
  link: string | null;
  /** A count of victims: "<5" for 1–4 in every document and export, and on pages for those who may not see it exactly. */
  victim?: boolean;
}

/** A small table a section may add under its figures (each row's label as text: a campaign, a category). */
export interface SectionRows {
  columns: MessageKey[];
  items: Array<{ label: string; cells: string[]; link: string | null }>;
}

export interface SectionContent {
  figures: ReportFigure[];
  rows?: SectionRows;
}

/** What a section is built for: an area, its scope, a period (and its campaign), and the shared summary. */
export interface SectionContext {
  area: AreaRecord;
  /** Null for the province (no area filter on links). */
  linkAreaId: number | null;
  scope: AreaScope;
  period: { from: string; to: string; campaignId: number | null };
  /** The district summary of this area and period (computed once, shared by every section). */
  summary(): Summary;
  /** The list behind a summary figure, for this area and period. */
  summaryLink(figure: string, category?: string): string;
  /** Records the summary does not count, read through the module's repository. */
  records: {
    campaignsInEffect(): Array<{ id: number; title: string; planNumber: string; startDate: string; endDate: string; status: string }>;
  };
}

/**
 * A section of the periodic report, filled from the records. One file per section, registered in one list
 * (sections/index.ts): a feature that adds records to report on adds a provider there.
 */
export interface SectionProvider {
  key: string;
  title: MessageKey;
  build(context: SectionContext): SectionContent;
}
