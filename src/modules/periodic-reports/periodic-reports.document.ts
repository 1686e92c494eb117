import { upper, type AdminDocument, type DocumentBlock } from '../../lib/admin-document/index.js';
import { formatDate, todayInVietnam } from '../../lib/dates.js';
import { formatNumber } from '../../lib/money.js';
import { suppressCell, suppressColumn, type ShownCount } from '../../lib/small-cells.js';
import type { Language, Translate } from '../../i18n/index.js';
import type { ReportSection, ReportSnapshot, Rollup } from './periodic-reports.snapshot.js';
import type { ReportFigure } from './sections/index.js';

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

function sectionBlocks(section: ReportSection, t: Translate, lang: Language): DocumentBlock[] {
  const blocks: DocumentBlock[] = [
    {
      kind: 'table',
      columns: [
        { header: t('periodic.col.figure'), width: 8 },
        { header: t('periodic.col.value'), width: 3, align: 'right' },
      ],
      rows: section.figures.map((figure) => [figureLabel(figure, t), shownFigure(figure, lang)]),
    },
  ];
  if (section.rows && section.rows.items.length > 0) {
    const columns = section.rows.columns.map((column, index) => ({ header: t(column), width: index === 0 ? 4 : 2 }));
    blocks.push({ kind: 'table', columns, rows: section.rows.items.map((item) => [item.label, ...item.cells]) });
  }
  return blocks;
}

function paragraphs(text: string): DocumentBlock[] {
  return text
    .split(/\r?\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ kind: 'paragraph' as const, text: line }));
}

/** "Huyện Bắc Yên" → "Bắc Yên": a place as the date line writes it, without its level. */
function placeName(name: string): string {
  return name.replace(/^(tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường)\s+/i, '');
}

export interface SnapshotDocumentContext {
  t: Translate;
  lang: Language;
  provinceName: string;
  /** The area the report goes to (the level above), or null for the province's own report. */
  parentName: string | null;
  /** A draft's document, built from the figures as they stand now (frozen "now"): marked "Dự thảo", unsigned. */
  draft?: boolean;
}

/**
 * Turns a snapshot into the administrative-document model (Nghị định 30/2020/NĐ-CP) that the library's PDF and
 * DOCX renderers lay out: the figures of every section as tables, the roll-up of the level below, the narrative,
 * "Nơi nhận" and the signature block. Nothing here reads the database, so every file of a version says exactly
 * what its snapshot says; victim counts of 1–4 are written "<5" as in every export.
 */
export function snapshotToDocument(snapshot: ReportSnapshot, context: SnapshotDocumentContext): AdminDocument {
  const { t, lang } = context;
  const body: DocumentBlock[] = context.draft ? [{ kind: 'paragraph', text: t('periodic.doc.draftNote'), italic: true }] : [];
  for (const section of snapshot.sections) body.push({ kind: 'heading', level: 1, text: t(section.title) }, ...sectionBlocks(section, t, lang));
  if (snapshot.rollup) {
    const rollup = snapshot.rollup;
    body.push(
      { kind: 'heading', level: 1, text: t('periodic.section.rollup') },
      { kind: 'paragraph', text: t('periodic.rollup.counts', { accepted: rollup.reports.length, total: rollup.reports.length + rollup.missing.length }) },
      {
        kind: 'table',
        columns: [
          { header: t('periodic.col.figure'), width: 8 },
          { header: t('periodic.col.sum'), width: 3, align: 'right' },
        ],
        rows: rollup.totals.map((total) => [figureLabel(total, t), shownTotal(total, lang)]),
      },
    );
    if (rollup.missing.length > 0) body.push({ kind: 'paragraph', text: `${t('periodic.rollup.missing')}: ${rollup.missing.map((area) => area.areaName).join(', ')}.` });
  }
  const narrative: Array<[Parameters<Translate>[0], string]> = [
    ['periodic.field.assessment', snapshot.narrative.assessment],
    ['periodic.field.difficulties', snapshot.narrative.difficulties],
    ['periodic.field.proposals', snapshot.narrative.proposals],
    ['periodic.field.nextTasks', snapshot.narrative.nextTasks],
  ];
  for (const [key, text] of narrative) {
    const lines = paragraphs(text);
    if (lines.length > 0) body.push({ kind: 'heading', level: 1, text: t(key) }, ...lines);
  }
  const place = snapshot.area.level === 'province' ? context.provinceName : snapshot.area.name;
  const period = `${snapshot.period.title} (${formatDate(snapshot.period.from)} – ${formatDate(snapshot.period.to)})`;
  const edition = snapshot.edition > 1 ? ` (${t('periodic.edition', { edition: snapshot.edition })})` : '';
  return {
    parentBody: upper(`Ủy ban nhân dân ${place}`),
    issuingBody: t('periodic.doc.issuingBody'),
    number: null,
    symbol: 'BC-BCĐ',
    place: placeName(place),
    date: todayInVietnam(new Date(snapshot.frozenAt)),
    typeName: context.draft ? t('periodic.doc.draftType') : t('periodic.doc.type'),
    summary: `${t('periodic.doc.title')} ${snapshot.area.name}, ${period}${edition}`,
    addressees: [],
    legalBases: [],
    body,
    signature: { authority: ['TM. BAN CHỈ ĐẠO'], position: t('periodic.doc.signatureRole'), name: context.draft ? '' : snapshot.submittedBy },
    recipients: [context.parentName ? t('periodic.doc.recipientAbove', { area: context.parentName }) : t('periodic.doc.recipientNational')],
    archive: 'VT, BCĐ',
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
