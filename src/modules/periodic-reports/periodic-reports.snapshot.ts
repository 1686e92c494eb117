import type { MessageKey } from '../../i18n/index.js';
import type { ReportLevel, ReformSide } from './periodic-reports.levels.js';
import type { Narrative } from './periodic-reports.repository.js';
import type { ReportFigure, SectionRows } from './sections/index.js';

export interface ReportSection {
  key: string;
  title: MessageKey;
  figures: ReportFigure[];
  rows?: SectionRows;
}

/** A lower level's accepted report as it rolls up: its figures by key, and its narrative to quote. */
export interface RolledUpReport {
  areaId: number;
  areaName: string;
  reportId: number;
  edition: number;
  figures: Record<string, number>;
  narrative: Narrative;
}

export interface Rollup {
  /** The lower levels' accepted reports (the latest accepted edition of each). */
  reports: RolledUpReport[];
  /** The areas whose report has not been accepted, with how far theirs got. */
  missing: Array<{ areaId: number; areaName: string; status: 'none' | 'draft' | 'submitted' | 'returned' }>;
  /** Each figure summed over the accepted reports, in the order of the sections. */
  totals: Array<{ key: string; label: MessageKey; labelText?: string; value: number; unit: ReportFigure['unit']; victim?: boolean; cells: number[] }>;
}

/**
 * Everything a report says, frozen at submission and never recomputed: the period and area as they were named,
 * every figure of every section, the roll-up of the level below, and the narrative.
 */
export interface ReportSnapshot {
  format: 1;
  frozenAt: string;
  edition: number;
  area: { id: number; name: string; level: ReportLevel };
  period: { id: number; kind: string; title: string; from: string; to: string; campaignId: number | null; campaignTitle: string | null; reform: ReformSide };
  sections: ReportSection[];
  rollup: Rollup | null;
  narrative: Narrative;
  submittedBy: string;
}

/** A figure whose value today differs from the frozen one. */
export interface FigureDifference {
  sectionTitle: MessageKey;
  key: string;
  label: MessageKey;
  labelText?: string;
  victim?: boolean;
  unit: ReportFigure['unit'];
  then: number;
  now: number;
}

/** Every figure of the snapshot compared with the same figure computed today (a figure new today counts from 0). */
export function figureDifferences(frozen: ReportSection[], today: ReportSection[]): FigureDifference[] {
  const differences: FigureDifference[] = [];
  for (const section of today) {
    const before = new Map((frozen.find((candidate) => candidate.key === section.key)?.figures ?? []).map((figure) => [figure.key, figure.value]));
    for (const figure of section.figures) {
      const then = before.get(figure.key) ?? 0;
      if (then !== figure.value) differences.push({ sectionTitle: section.title, key: figure.key, label: figure.label, ...(figure.labelText ? { labelText: figure.labelText } : {}), ...(figure.victim ? { victim: true } : {}), unit: figure.unit, then, now: figure.value });
    }
    // A figure of the snapshot that no longer appears today (a category now without violations) has gone to 0.
    for (const figure of frozen.find((candidate) => candidate.key === section.key)?.figures ?? []) {
      if (!section.figures.some((current) => current.key === figure.key) && figure.value !== 0) {
        differences.push({ sectionTitle: section.title, key: figure.key, label: figure.label, ...(figure.labelText ? { labelText: figure.labelText } : {}), ...(figure.victim ? { victim: true } : {}), unit: figure.unit, then: figure.value, now: 0 });
      }
    }
  }
  return differences;
}
