import { createRequire } from 'node:module';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Translate, Language } from '../../i18n/index.js';
import { formatDate, formatMoment } from '../../lib/dates.js';
import { suppressColumn, type ShownCount } from '../../lib/small-cells.js';
import { vocabulary, vocabularyLabel } from '../../lib/vocabulary.js';
import { figureGroups, mediaMeasures, smallCellFigures, type FigureColumn, type FigureGroup, type Figures, type ScalarFigure, type SmallCellFigure, type Summary, type SummaryRow } from './summary.service.js';
import { safeCell } from './records.export.js';

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export interface SummaryContext {
  t: Translate;
  lang: Language;
  provinceName: string;
  generatedAt: Date;
  generatedBy: string;
  /** The area a scoped person sees (their figures only); null for the whole province. */
  scopeName: string | null;
  /** The campaign the summary is limited to, if any. */
  campaignTitle: string | null;
}

/** The total row's label: the province, or the person's own area when the figures are limited to it. */
export function totalLabel(context: Pick<SummaryContext, 't' | 'provinceName' | 'scopeName'>): string {
  return context.scopeName ? context.t('summary.totalScoped', { area: context.scopeName }) : context.t('summary.total', { province: context.provinceName });
}

/** Whether a summary's period spans the 2025 reform (it then has rows for each side). */
export function spansReform(summary: Pick<Summary, 'parts'>): boolean {
  return summary.parts.length > 1;
}

/** A row's label in every format: its unit, and the side of the reform when the label alone would not say it. */
export function rowLabel(row: SummaryRow, summary: Pick<Summary, 'parts'>, t: Translate): string {
  const name = row.area.name;
  switch (row.kind) {
    case 'district':
      return spansReform(summary) ? t('summary.row.district', { name }) : name;
    case 'commune':
      return spansReform(summary) ? t('summary.row.commune', { name }) : name;
    case 'oldCommune':
      return t('summary.row.oldCommune', { name, district: row.district?.name ?? '' });
    default:
      return t(`summary.row.${row.kind}`, { name });
  }
}

/** The lines under a summary's title in every format: period, campaign, area, when and by whom, the rule. */
export function summaryLines(summary: Summary, context: SummaryContext): string[] {
  const { t } = context;
  return [
    t('summary.period', { from: formatDate(summary.from), to: formatDate(summary.to) }) + ` · ${t('summary.level')}: ${t(`summary.level.${summary.level}`)}`,
    ...(spansReform(summary) ? [t('summary.reformNote')] : []),
    ...(context.campaignTitle ? [t('summary.campaignLine', { title: context.campaignTitle })] : []),
    ...(context.scopeName ? [t('summary.scopeLine', { area: context.scopeName })] : []),
    ...(summary.topic ? [t('summary.topicLine', { topic: vocabularyLabel('outreach_topics', summary.topic, context.lang) })] : []),
    t('summary.generated', { at: formatMoment(context.generatedAt.toISOString()), by: context.generatedBy }),
    `${t('summary.approvedOnly')} ${t('summary.victimsRule')} ${t('summary.monitoringRule')} ${t('summary.reachRule')}`,
  ];
}

/** One column of a summary after the area: a figure, or the violations of one checklist category. */
export interface SummaryColumn {
  /** Names the column in the page's markup: the figure, or `category-<code>` (`category-other` outside the checklist). */
  key: string;
  /** The figure the column counts (a category's column counts violations), which also names the list behind it. */
  figure: FigureColumn | 'media' | 'reach' | 'topic';
  /** A category column's checklist category ('' = outside the checklist). */
  category?: string;
  /** A media column's channel and measure (`zalo.posts`). */
  measure?: string;
  /** A reach column's target group. */
  targetGroup?: string;
  /** A topic column's topic. */
  topic?: string;
  /** What narrows the outreach list behind the figure (`channel=zalo`, `group=students`, `topic=…`). */
  filter?: string;
  /** A reach column's words for "not split", and how its numbers are written, in the reader's language. */
  notSplit?: { label: string; format: (value: number) => string };
  /** The group the page shows it in. */
  group: FigureGroup;
  label: string;
}

/** Every column of a summary after the area, in the order every format shows them, with its heading. */
export function summaryColumns(summary: Summary, { t, lang }: Pick<SummaryContext, 't' | 'lang'>): SummaryColumn[] {
  const groups = Object.entries(figureGroups) as Array<[FigureGroup, readonly FigureColumn[]]>;
  const scalar = (group: FigureGroup, figures: readonly FigureColumn[]): SummaryColumn[] => figures.map((figure) => ({ key: figure, figure, group, label: t(`summary.col.${figure}` as never) }));
  const numbers = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'vi-VN');
  // The categories group holds one column per checklist category (which follow the checklist), in its place; the
  // media, reach and topics groups one per channel's measure, target group and topic (which follow the vocabulary).
  return groups.flatMap(([group, figures]): SummaryColumn[] => {
    switch (group) {
      case 'categories':
        return summary.categories.map((category) => ({
          key: `category-${category.code || 'other'}`,
          figure: 'violations' as const,
          category: category.code,
          group: 'categories' as const,
          label: `${t('summary.col.violationsIn')} ${category.code || t('summary.col.other')}${category.code ? ` (${lang === 'en' ? category.en : category.vi})` : ''}`,
        }));
      case 'media':
        return mediaMeasures.map((entry) => ({
          key: `media-${entry.channel.code}-${entry.measure.code}`,
          figure: 'media' as const,
          measure: entry.key,
          filter: `channel=${entry.channel.code}`,
          group,
          label: `${entry.channel[lang]}: ${entry.measure[lang]}`,
        }));
      case 'reach':
        return [
          ...vocabulary('target_groups').map((entry) => ({
            key: `reach-${entry.code}`,
            figure: 'reach' as const,
            targetGroup: entry.code,
            filter: `group=${entry.code}`,
            group,
            label: t('summary.col.reachOf', { group: entry[lang] }),
            notSplit: { label: t('summary.notSplit'), format: (value: number) => numbers.format(value) },
          })),
          ...scalar(group, figures),
        ];
      case 'topics':
        return vocabulary('outreach_topics').map((entry) => ({ key: `topic-${entry.code}`, figure: 'topic' as const, topic: entry.code, filter: `topic=${entry.code}`, group, label: t('summary.col.topicOf', { topic: entry[lang] }) }));
      default:
        return scalar(group, figures);
    }
  });
}

/**
 * A column's figure in one row. A target group's participants are its split; when some activity of the group is
 * not split, the cell says so ("chưa tách", or "60 + chưa tách"), since its people cannot be put under the group.
 */
export function columnValue(column: SummaryColumn, figures: Figures): number | string {
  if (column.category !== undefined) return figures.byCategory[column.category] ?? 0;
  if (column.measure) return figures.byMeasure[column.measure] ?? 0;
  if (column.topic) return figures.byTopic[column.topic] ?? 0;
  if (column.targetGroup) {
    const split = figures.byGroup[column.targetGroup] ?? 0;
    if (!(figures.groupNotSplit[column.targetGroup]! > 0) || !column.notSplit) return split;
    return split > 0 ? `${column.notSplit.format(split)} + ${column.notSplit.label}` : column.notSplit.label;
  }
  return figures[column.figure as ScalarFigure];
}

const isSmallCellFigure = (figure: string): figure is SmallCellFigure => (smallCellFigures as readonly string[]).includes(figure);

/**
 * A column's figure as it may be shown: victim and monitoring counts with small cells suppressed (see src/lib/small-cells.ts)
 * over each whole column, rows and total together, so no hidden cell can be worked out from the others; every
 * other figure as it is. Every export uses it; the page too for those who may not see victim counts exactly.
 */
export function suppressedValues(summary: Summary): (column: SummaryColumn, figures: Figures) => number | string {
  const shown = new Map<Figures, Partial<Record<SmallCellFigure, ShownCount>>>();
  for (const figure of smallCellFigures) {
    const column = suppressColumn(
      summary.rows.map((row) => row.figures[figure]),
      summary.total[figure],
    );
    summary.rows.forEach((row, index) => {
      if (!shown.has(row.figures)) shown.set(row.figures, {});
      shown.get(row.figures)![figure] = column.cells[index]!;
    });
    if (!shown.has(summary.total)) shown.set(summary.total, {});
    shown.get(summary.total)![figure] = column.total;
  }
  return (column, figures) => (column.category === undefined && isSmallCellFigure(column.figure) ? (shown.get(figures)?.[column.figure as SmallCellFigure] ?? columnValue(column, figures)) : columnValue(column, figures));
}

/** The header and rows of a summary as plain values: the same table for CSV, XLSX and PDF. */
export function summaryTable(summary: Summary, context: SummaryContext): { header: string[]; rows: Array<Array<string | number>> } {
  const columns = summaryColumns(summary, context);
  const header = [context.t('summary.col.area'), ...columns.map((column) => column.label)];
  const value = suppressedValues(summary);
  const line = (label: string, figures: Figures) => [label, ...columns.map((column) => value(column, figures))];
  const rows = summary.rows.map((row) => line(rowLabel(row, summary, context.t), row.figures));
  rows.push(line(totalLabel(context), summary.total));
  return { header, rows };
}

function titleOf(summary: Summary, context: SummaryContext): string {
  return context.t('summary.fileTitle', { province: context.scopeName ?? context.provinceName, from: formatDate(summary.from), to: formatDate(summary.to) });
}

/** CSV with a byte-order mark (so Excel reads UTF-8 Vietnamese), RFC 4180 quoting and one header row. */
export async function summaryCsv(summary: Summary, context: SummaryContext): Promise<Readable> {
  const { stringify } = await import('csv-stringify');
  const { header, rows } = summaryTable(summary, context);
  const output = new PassThrough();
  output.write('\uFEFF');
  const csv = stringify({ header: true, columns: header.map((name, index) => ({ key: String(index), header: name })), quoted_match: /[",\r\n]/, record_delimiter: '\r\n' });
  csv.pipe(output);
  for (const row of rows) csv.write(Object.fromEntries(row.map((value, index) => [String(index), safeCell(value)])));
  // A period spanning the reform says so under the total, where a reader of the file sees it.
  if (spansReform(summary)) csv.write({ '0': context.t('summary.reformNote') });
  csv.end();
  return output;
}

/** XLSX: a summary sheet (title, period, when and by whom, bold frozen header, number formats, totals). */
export async function addSummarySheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, summary: Summary, context: SummaryContext): Promise<void> {
  const { header, rows } = summaryTable(summary, context);
  const lines = summaryLines(summary, context);
  const sheet = workbook.addWorksheet(context.t('summary.sheet'), {
    views: [{ state: 'frozen', ySplit: lines.length + 2, xSplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = header.map((_, index) => ({ width: index === 0 ? 28 : 14 }));
  sheet.addRow([titleOf(summary, context)]).font = { bold: true, size: 14 };
  for (const text of lines) sheet.addRow([text]);
  const headerRow = sheet.addRow(header);
  headerRow.font = { bold: true };
  headerRow.alignment = { wrapText: true, vertical: 'top' };
  // Wrapped headers need the room: LibreOffice does not grow a row by itself.
  headerRow.height = 64;
  rows.forEach((row, index) => {
    const added = sheet.addRow(row);
    for (let column = 2; column <= row.length; column += 1) added.getCell(column).numFmt = '#,##0';
    if (index === rows.length - 1) added.font = { bold: true };
    added.commit();
  });
  sheet.commit();
}

/** PDF (A4 landscape): title, period, the table in two parts, totals, generation time and page numbers. */
export async function summaryPdf(summary: Summary, context: SummaryContext): Promise<Readable> {
  // The PDF library loads with the first PDF, not at start-up.
  const { default: PDFDocument } = await import('pdfkit');
  const { header, rows } = summaryTable(summary, context);
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, bufferPages: true, info: { Title: titleOf(summary, context), Producer: 'pcmbn' } });
  doc.registerFont('body', path.join(fontDir, 'DejaVuSans.ttf'));
  doc.registerFont('bold', path.join(fontDir, 'DejaVuSans-Bold.ttf'));
  doc.font('bold').fontSize(14).text(titleOf(summary, context));
  doc.font('body').fontSize(9);
  for (const text of summaryLines(summary, context)) doc.text(text);
  doc.moveDown(0.5);

  // Too many columns for one page width: the table is cut into parts of at most 10 columns, the area column
  // repeating in each; a group starts a new part unless it fits in the current one (long groups run over several).
  const columnGroups = summaryColumns(summary, context).map((column) => column.group);
  const parts: Array<{ columns: string[]; offset: number }> = [];
  const MAX_PART = 10;
  for (let index = 0; index < columnGroups.length; ) {
    const end = columnGroups.lastIndexOf(columnGroups[index]!) + 1;
    const last = parts[parts.length - 1];
    if (last && last.columns.length + (end - index) <= MAX_PART) {
      last.columns.push(...header.slice(1 + index, 1 + end));
      index = end;
    } else {
      const take = Math.min(end - index, MAX_PART);
      parts.push({ columns: header.slice(1 + index, 1 + index + take), offset: 1 + index });
      index += take;
    }
  }
  const usable = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  for (const part of parts) {
    const areaWidth = 120;
    const width = (usable - areaWidth) / part.columns.length;
    const drawHeader = () => {
      const y = doc.y;
      doc.font('bold').fontSize(7);
      // The line goes under the tallest heading (long ones wrap onto several lines).
      const height = Math.max(doc.heightOfString(header[0]!, { width: areaWidth }), ...part.columns.map((name) => doc.heightOfString(name, { width: width - 4 })));
      doc.text(header[0]!, doc.page.margins.left, y, { width: areaWidth });
      part.columns.forEach((name, index) => doc.text(name, doc.page.margins.left + areaWidth + index * width, y, { width: width - 4, align: 'right' }));
      doc.moveTo(doc.page.margins.left, y + height + 2).lineTo(doc.page.width - doc.page.margins.right, y + height + 2).stroke();
      doc.y = y + height + 6;
    };
    // A part's headings never sit alone at the foot of a page: they start a new one when two rows would not fit.
    if (doc.y > doc.page.height - doc.page.margins.bottom - 90) doc.addPage();
    drawHeader();
    rows.forEach((row, rowIndex) => {
      if (doc.y > doc.page.height - doc.page.margins.bottom - 30) {
        doc.addPage();
        drawHeader();
      }
      const y = doc.y;
      doc.font(rowIndex === rows.length - 1 ? 'bold' : 'body').fontSize(8);
      doc.text(String(row[0]), doc.page.margins.left, y, { width: areaWidth, lineBreak: false, ellipsis: true });
      part.columns.forEach((_, index) => {
        const value = row[part.offset + index];
        doc.text(typeof value === 'number' ? value.toLocaleString('vi-VN') : String(value), doc.page.margins.left + areaWidth + index * width, y, { width: width - 4, align: 'right', lineBreak: false });
      });
      doc.y = y + 13;
    });
    doc.moveDown(1.5);
  }
  const range = doc.bufferedPageRange();
  for (let index = 0; index < range.count; index += 1) {
    doc.switchToPage(range.start + index);
    // The footer sits in the bottom margin: without lifting the margin pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(8).text(context.t('summary.page', { page: index + 1, pages: range.count }), doc.page.margins.left, doc.page.height - 28, { width: usable, align: 'right', lineBreak: false });
  }
  doc.end();
  return doc as unknown as Readable;
}
