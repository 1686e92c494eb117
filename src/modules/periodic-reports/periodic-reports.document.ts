import { formatDate } from '../../lib/dates.js';
import { formatNumber } from '../../lib/money.js';
import { suppressCell, suppressColumn, type ShownCount } from '../../lib/small-cells.js';
import type { Language, Translate } from '../../i18n/index.js';
import type { ReportSection, ReportSnapshot, Rollup } from './periodic-reports.snapshot.js';
import type { ReportFigure } from './sections/index.js';

/** A block of a document section: a paragraph, or a table whose first row is its header. */
export type DocumentBlock = { kind: 'paragraph'; text: string } | { kind: 'table'; columns: string[]; rows: string[][] };

/**
 * A report as a plain document, with nothing of any file format in it: what a PDF or DOCX writer lays out in the
 * Vietnamese administrative style (national title and motto, issuing body, number and symbol, place and date,
 * the body under numbered headings, recipients, signature block).
 */
export interface PlainDocument {
  nationalTitle: string;
  motto: string;
  issuingBody: { parent: string; name: string };
  /** Number and symbol ("Số: …/BC-…"), left for the office to fill when it is issued. */
  numberAndSymbol: string;
  placeAndDate: string;
  title: string;
  subtitle: string;
  sections: Array<{ heading: string; blocks: DocumentBlock[] }>;
  recipients: string[];
  signature: { role: string; name: string };
}

/** A figure as documents and exports show it: victim counts of 1–4 as "<5"; money with its unit. */
export function shownFigure(figure: Pick<ReportFigure, 'value' | 'unit' | 'victim'>, lang: Language): string {
  if (figure.victim) {
    const shown = suppressCell(figure.value);
    return typeof shown === 'number' ? formatNumber(shown, lang) : shown;
  }
  return figure.unit === 'vnd' ? `${formatNumber(figure.value, lang)} ${lang === 'vi' ? 'đ' : 'VND'}` : formatNumber(figure.value, lang);
}

export function figureLabel(figure: { label: Parameters<Translate>[0]; labelText?: string }, t: Translate): string {
  return figure.labelText ? t(figure.label, { name: figure.labelText }) : t(figure.label);
}

/** A roll-up total as documents show it: over victim counts, by the small-cell rule for a column and its total. */
export function shownTotal(total: Rollup['totals'][number], lang: Language): string {
  if (!total.victim) return shownFigure(total, lang);
  const shown: ShownCount = suppressColumn(total.cells, total.value).total;
  return typeof shown === 'number' ? formatNumber(shown, lang) : shown;
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

function sectionBlocks(section: ReportSection, t: Translate, lang: Language): DocumentBlock[] {
  const blocks: DocumentBlock[] = [
    { kind: 'table', columns: [t('periodic.col.figure'), t('periodic.col.value')], rows: section.figures.map((figure) => [figureLabel(figure, t), shownFigure(figure, lang)]) },
  ];
  if (section.rows && section.rows.items.length > 0) {
    blocks.push({ kind: 'table', columns: section.rows.columns.map((column) => t(column)), rows: section.rows.items.map((item) => [item.label, ...item.cells]) });
  }
  return blocks;
}

/**
 * Turns a frozen snapshot into a plain document. The PDF and DOCX writers of the administrative-document library
 * take this model (see the module's README note in the report page's files section); nothing here reads the
 * database, so every file of a version says exactly what its snapshot says.
 */
export function snapshotToDocument(snapshot: ReportSnapshot, context: { t: Translate; lang: Language; provinceName: string; parentName: string | null }): PlainDocument {
  const { t, lang } = context;
  const sections: PlainDocument['sections'] = snapshot.sections.map((section, index) => ({ heading: `${ROMAN[index] ?? index + 1}. ${t(section.title)}`, blocks: sectionBlocks(section, t, lang) }));
  let next = sections.length;
  if (snapshot.rollup) {
    const rollup = snapshot.rollup;
    const blocks: DocumentBlock[] = [
      { kind: 'paragraph', text: t('periodic.rollup.counts', { accepted: rollup.reports.length, total: rollup.reports.length + rollup.missing.length }) },
      { kind: 'table', columns: [t('periodic.col.figure'), t('periodic.col.sum')], rows: rollup.totals.map((total) => [figureLabel(total, t), shownTotal(total, lang)]) },
    ];
    if (rollup.missing.length > 0) blocks.push({ kind: 'paragraph', text: `${t('periodic.rollup.missing')}: ${rollup.missing.map((area) => area.areaName).join(', ')}.` });
    sections.push({ heading: `${ROMAN[next] ?? next + 1}. ${t('periodic.section.rollup')}`, blocks });
    next += 1;
  }
  const narrative: Array<[Parameters<Translate>[0], string]> = [
    ['periodic.field.assessment', snapshot.narrative.assessment],
    ['periodic.field.difficulties', snapshot.narrative.difficulties],
    ['periodic.field.proposals', snapshot.narrative.proposals],
    ['periodic.field.nextTasks', snapshot.narrative.nextTasks],
  ];
  for (const [key, text] of narrative) {
    sections.push({ heading: `${ROMAN[next] ?? next + 1}. ${t(key)}`, blocks: text.split(/\n+/).filter(Boolean).map((line) => ({ kind: 'paragraph' as const, text: line })) });
    next += 1;
  }
  const frozen = snapshot.frozenAt.slice(0, 10);
  return {
    nationalTitle: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    motto: 'Độc lập - Tự do - Hạnh phúc',
    issuingBody: { parent: snapshot.area.level === 'province' ? `UBND ${context.provinceName}` : `UBND ${snapshot.area.name}`, name: t('periodic.doc.issuingBody') },
    numberAndSymbol: t('periodic.doc.number'),
    placeAndDate: t('periodic.doc.placeDate', { place: snapshot.area.name, day: frozen.slice(8, 10), month: frozen.slice(5, 7), year: frozen.slice(0, 4) }),
    title: t('periodic.doc.title'),
    subtitle: `${snapshot.period.title} (${formatDate(snapshot.period.from)} – ${formatDate(snapshot.period.to)})${snapshot.edition > 1 ? ` · ${t('periodic.edition', { edition: snapshot.edition })}` : ''}`,
    sections,
    recipients: [context.parentName ? t('periodic.doc.recipientAbove', { area: context.parentName }) : t('periodic.doc.recipientNational'), t('periodic.doc.recipientFile')],
    signature: { role: t('periodic.doc.signatureRole'), name: snapshot.submittedBy },
  };
}

/** The figures tables of a report version as an XLSX workbook: the figures, and the roll-up of the level below. */
export async function figuresWorkbook(input: { sections: ReportSection[]; rollup: Rollup | null; title: string; t: Translate; lang: Language; author: string; created: Date }): Promise<Buffer> {
  const { default: excel } = await import('exceljs');
  const { t, lang } = input;
  const workbook = new excel.Workbook();
  workbook.creator = input.author;
  workbook.created = input.created;
  const sheet = workbook.addWorksheet(t('periodic.sheet.figures'), { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([input.title]).font = { bold: true };
  sheet.addRow([t('periodic.col.section'), t('periodic.col.figure'), t('periodic.col.value'), t('periodic.col.unit')]).font = { bold: true };
  sheet.columns = [{ width: 34 }, { width: 44 }, { width: 14 }, { width: 10 }];
  // Victim counts of 1–4 are written as the text "<5"; every other value as a number.
  const cell = (figure: Pick<ReportFigure, 'value' | 'victim'>) => (figure.victim ? suppressCell(figure.value) : figure.value);
  for (const section of input.sections) {
    for (const figure of section.figures) sheet.addRow([t(section.title), figureLabel(figure, t), cell(figure), figure.unit === 'vnd' ? 'đồng' : '']);
  }
  if (input.rollup) {
    const rollup = input.rollup;
    const below = workbook.addWorksheet(t('periodic.sheet.rollup'), { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
    below.addRow([t('periodic.col.area'), ...rollup.totals.map((total) => figureLabel(total, t))]).font = { bold: true };
    for (const report of rollup.reports) {
      below.addRow([report.areaName, ...rollup.totals.map((total) => { const value = report.figures[total.key] ?? 0; return total.victim ? suppressCell(value) : value; })]);
    }
    below.addRow([t('periodic.col.sum'), ...rollup.totals.map((total) => (total.victim ? suppressColumn(total.cells, total.value).total : total.value))]).font = { bold: true };
    for (const area of rollup.missing) below.addRow([area.areaName, t('periodic.rollup.notReported')]);
  }
  void lang;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
