import { PassThrough, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { AppDatabase } from '../../../db/client.js';
import type { Language, Translate } from '../../i18n/index.js';
import type { AreaCatalog } from '../../areas/index.js';
import { cellOf, exportColumns, type Cell, type ExportColumn, type ExportContext } from './records.columns.js';
import { recordRows, type RecordFilter, type RecordKind } from './records.queries.js';

export { recordKinds, type RecordFilter, type RecordKind } from './records.queries.js';

/** The rows of a record export: the records of one kind, each turned into its cells by the kind's column table. */
export async function* recordBatches(db: AppDatabase, kind: RecordKind, filter: RecordFilter, catalog: AreaCatalog, t: Translate, lang: Language, spreadsheet = false): AsyncGenerator<Record<string, Cell>> {
  const context: ExportContext = { t, lang, spreadsheet, areaName: (id) => catalog.byId.get(id)?.name ?? String(id) };
  const columns = exportColumns[kind];
  for await (const row of recordRows(db, kind, filter)) {
    yield Object.fromEntries(columns.map((column) => [column.key, cellOf(column, row, context)]));
  }
}

/** A record export's columns: the header in the reader's language, and what the column holds. */
export interface RecordColumn {
  key: string;
  header: string;
  type: ExportColumn['type'];
}

/** The header of a record export, in the reader's language. */
export function recordColumns(kind: RecordKind, t: Translate): RecordColumn[] {
  return exportColumns[kind].map((column) => ({ key: column.key, header: t(column.header), type: column.type }));
}

/** How a spreadsheet shows each kind of column (dates as the pages write them). */
const numberFormats: Partial<Record<ExportColumn['type'], string>> = { date: 'dd/mm/yyyy', moment: 'dd/mm/yyyy hh:mm' };

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return first) is
 * written with a leading apostrophe, so what someone typed is shown, never run.
 */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV (BOM, RFC 4180) streamed row by row. */
export async function recordsCsv(rows: AsyncGenerator<Record<string, Cell>>, header: RecordColumn[]): Promise<Readable> {
  // The CSV writer loads with the first export, not at start-up.
  const { stringify } = await import('csv-stringify');
  const output = new PassThrough();
  output.write('\uFEFF');
  const csv = stringify({ header: true, columns: header.map(({ key, header: title }) => ({ key, header: title })), record_delimiter: '\r\n', quoted_match: /[",\r\n]/ });
  csv.pipe(output);
  (async () => {
    for await (const row of rows) {
      const safe = Object.fromEntries(Object.entries(row).map(([key, value]) => [key, safeCell(value)]));
      if (!csv.write(safe)) await new Promise((resolve) => csv.once('drain', resolve));
    }
    csv.end();
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}

/** A streaming workbook; exceljs loads with the first XLSX export, not at start-up. */
export async function xlsxWriter(stream: PassThrough): Promise<ExcelJS.stream.xlsx.WorkbookWriter> {
  const { default: excel } = await import('exceljs');
  return new excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
}

/** Adds a sheet of records to a streaming workbook, row by row (each row committed so memory stays flat). */
export async function addRecordSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, rows: AsyncGenerator<Record<string, Cell>>, header: RecordColumn[]): Promise<void> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = header.map((column) => {
    const numFmt = numberFormats[column.type];
    return { key: column.key, header: column.header, width: Math.min(40, Math.max(numFmt ? 17 : 10, column.header.length + 2)), ...(numFmt ? { style: { numFmt } } : {}) };
  });
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
}
