import { createRequire } from 'node:module';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { Translate, Language } from '../../i18n/index.js';
import { formatDate, formatMoment } from '../../lib/dates.js';
import { figureColumns, type Figures, type Summary } from './summary.service.js';

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export interface SummaryContext {
  t: Translate;
  lang: Language;
  provinceName: string;
  generatedAt: Date;
  generatedBy: string;
}

/** The header and rows of a summary as plain values: the same table for CSV, XLSX and PDF. */
export function summaryTable(summary: Summary, context: SummaryContext): { header: string[]; rows: Array<Array<string | number>> } {
  const { t, lang } = context;
  const header = [
    t('summary.col.area'),
    ...figureColumns.map((column) => t(`summary.col.${column}` as never)),
    ...summary.categories.map((category) => `${t('summary.col.violationsIn')} ${category.code || t('summary.col.other')}${category.code ? ` (${lang === 'en' ? category.en : category.vi})` : ''}`),
  ];
  const line = (label: string, figures: Figures) => [label, ...figureColumns.map((column) => figures[column]), ...summary.categories.map((category) => figures.byCategory[category.code] ?? 0)];
  const rows = summary.rows.map((row) => line(row.area.name, row.figures));
  rows.push(line(t('summary.total', { province: context.provinceName }), summary.total));
  return { header, rows };
}

function titleOf(summary: Summary, context: SummaryContext): string {
  return context.t('summary.fileTitle', { province: context.provinceName, from: formatDate(summary.from), to: formatDate(summary.to) });
}

/** CSV with a byte-order mark (so Excel reads UTF-8 Vietnamese), RFC 4180 quoting and one header row. */
export function summaryCsv(summary: Summary, context: SummaryContext): Readable {
  const { header, rows } = summaryTable(summary, context);
  const output = new PassThrough();
  output.write('\uFEFF');
  const csv = stringify({ header: true, columns: header.map((name, index) => ({ key: String(index), header: name })), quoted_match: /[",\r\n]/, record_delimiter: '\r\n' });
  csv.pipe(output);
  for (const row of rows) csv.write(Object.fromEntries(row.map((value, index) => [String(index), value])));
  csv.end();
  return output;
}

/** XLSX: a summary sheet (title, period, when and by whom, bold frozen header, number formats, totals). */
export async function addSummarySheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, summary: Summary, context: SummaryContext): Promise<void> {
  const { header, rows } = summaryTable(summary, context);
  const sheet = workbook.addWorksheet(context.t('summary.sheet'), { views: [{ state: 'frozen', ySplit: 5, xSplit: 1 }] });
  sheet.columns = header.map((_, index) => ({ width: index === 0 ? 28 : 14 }));
  sheet.addRow([titleOf(summary, context)]).font = { bold: true, size: 14 };
  sheet.addRow([context.t('summary.period', { from: formatDate(summary.from), to: formatDate(summary.to) })]);
  sheet.addRow([context.t('summary.generated', { at: formatMoment(context.generatedAt.toISOString()), by: context.generatedBy })]);
  sheet.addRow([context.t('summary.approvedOnly')]);
  const headerRow = sheet.addRow(header);
  headerRow.font = { bold: true };
  headerRow.alignment = { wrapText: true, vertical: 'top' };
  rows.forEach((row, index) => {
    const added = sheet.addRow(row);
    for (let column = 2; column <= row.length; column += 1) added.getCell(column).numFmt = '#,##0';
    if (index === rows.length - 1) added.font = { bold: true };
    added.commit();
  });
  sheet.commit();
}

/** PDF (A4 landscape): title, period, the table in two parts, totals, generation time and page numbers. */
export function summaryPdf(summary: Summary, context: SummaryContext): Readable {
  const { header, rows } = summaryTable(summary, context);
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, bufferPages: true, info: { Title: titleOf(summary, context), Producer: 'pcmbn' } });
  doc.registerFont('body', path.join(fontDir, 'DejaVuSans.ttf'));
  doc.registerFont('bold', path.join(fontDir, 'DejaVuSans-Bold.ttf'));
  doc.font('bold').fontSize(14).text(titleOf(summary, context));
  doc.font('body').fontSize(9).text(context.t('summary.period', { from: formatDate(summary.from), to: formatDate(summary.to) }));
  doc.text(context.t('summary.generated', { at: formatMoment(context.generatedAt.toISOString()), by: context.generatedBy }));
  doc.text(context.t('summary.approvedOnly'));
  doc.moveDown(0.5);

  // Too many columns for one page width: the area column repeats in each part.
  const scalar = 1 + figureColumns.length;
  const parts = [
    { columns: header.slice(1, 10), offset: 1 },
    { columns: header.slice(10, scalar), offset: 10 },
    { columns: header.slice(scalar), offset: scalar },
  ];
  const usable = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  for (const part of parts) {
    const areaWidth = 120;
    const width = (usable - areaWidth) / part.columns.length;
    const drawHeader = () => {
      const y = doc.y;
      doc.font('bold').fontSize(7);
      doc.text(header[0]!, doc.page.margins.left, y, { width: areaWidth });
      part.columns.forEach((name, index) => doc.text(name, doc.page.margins.left + areaWidth + index * width, y, { width: width - 4, align: 'right' }));
      doc.moveTo(doc.page.margins.left, doc.y + 2).lineTo(doc.page.width - doc.page.margins.right, doc.y + 2).stroke();
      doc.y += 6;
    };
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
    doc.font('body').fontSize(8).text(context.t('summary.page', { page: index + 1, pages: range.count }), doc.page.margins.left, doc.page.height - 28, { width: usable, align: 'right', lineBreak: false });
  }
  doc.end();
  return doc as unknown as Readable;
}
