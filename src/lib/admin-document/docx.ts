import type * as Docx from 'docx';
import { FOOT_LEFT_MM, HEADING_LEFT_MM, INDENT_MM, MOTTO, NATIONAL_TITLE, PAGE_MM, PARAGRAPH_AFTER_PT, SIZE, TEXT_WIDTH_MM } from './layout.js';
import {
  addresseeLines,
  appendixLabel,
  appendixNote,
  bodyNameLines,
  legalBasisLines,
  numberHeadings,
  numberLine,
  placeDateLine,
  recipientLines,
  upper,
  type AdminDocument,
  type DocumentBlock,
  type TableColumn,
} from './model.js';

/** Twentieths of a point per millimetre (Word's "twips"). */
const TWIP_PER_MM = 1440 / 25.4;
const twip = (millimetres: number) => Math.round(millimetres * TWIP_PER_MM);
/** Word sizes are in half-points. */
const half = (points: number) => points * 2;
const FONT = 'Times New Roman';
const LINE = 264; // 1.1 lines, within "single up to 1.5 lines"

/** Widths of text in Times New Roman (pdfkit's standard Times metrics), for rules as long as a line and aligned lists. */
type Measure = (text: string, bold: boolean, size: number) => number;

async function timesMeasure(): Promise<Measure> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ autoFirstPage: false });
  // The standard metrics have no Vietnamese letters: a letter is measured as its base letter (ệ as e, Đ as D).
  const base = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
  return (text, bold, size) => (doc.font(bold ? 'Times-Bold' : 'Times-Roman').fontSize(size).widthOfString(base(text)) / 72) * 25.4;
}

/**
 * The document as a DOCX file in Times New Roman, for a head to edit before signing: the same layout as the PDF
 * (A4, margins, page numbers centred in the header from page 2, a header row repeated on every page a table runs
 * over). `docx` loads with the first document, not at start-up.
 */
export async function renderAdminDocumentDocx(document: AdminDocument): Promise<Buffer> {
  const docx = await import('docx');
  const measure = await timesMeasure();
  const build = docxBuilder(docx, measure);
  const sections: Docx.ISectionOptions[] = [
    build.section([...build.heading(document), ...build.title(document), ...build.addressees(document.addressees), ...build.legalBases(document.legalBases), ...build.blocks(document.body), ...build.foot(document)]),
    ...(document.appendices ?? []).map((appendix, index, all) =>
      build.section([...build.appendixTitle(appendixLabel(index, all.length), appendix.title, appendixNote(document, appendix)), ...build.blocks(appendix.body)]),
    ),
  ];
  const file = new docx.Document({
    creator: document.issuingBody,
    title: `${upper(document.typeName)} ${document.summary}`.trim(),
    styles: {
      default: {
        document: {
          run: { font: FONT, size: half(SIZE.body) },
          paragraph: { spacing: { line: LINE, lineRule: docx.LineRuleType.AUTO } },
        },
      },
    },
    sections,
  });
  return docx.Packer.toBuffer(file);
}

function docxBuilder(docx: typeof Docx, measure: Measure) {
  const { AlignmentType, BorderStyle, Paragraph, Table, TableBorders, TableCell, TableLayoutType, TableRow, TextRun, WidthType } = docx;
  const textWidth = twip(TEXT_WIDTH_MM);

  type Run = { text: string; bold?: boolean; italics?: boolean; size: number };
  const run = ({ text, bold, italics, size }: Run) => new TextRun({ text, bold: bold ?? false, italics: italics ?? false, size: half(size), font: FONT });

  function line(runs: Run | Run[], options: Omit<Docx.IParagraphOptions, 'children'> = {}): Docx.Paragraph {
    return new Paragraph({ spacing: { after: 0, line: LINE, lineRule: docx.LineRuleType.AUTO }, ...options, children: (Array.isArray(runs) ? runs : [runs]).map(run) });
  }

  const centred = (text: string, size: number, style: { bold?: boolean; italics?: boolean } = {}, options: Omit<Docx.IParagraphOptions, 'children'> = {}) =>
    line({ text, size, ...style }, { alignment: AlignmentType.CENTER, ...options });

  /**
   * A rule `length` mm long, centred in a column `columnWidth` mm wide: the bottom border of an empty 1-pt
   * paragraph indented from both sides (Word draws a paragraph border across the paragraph's width).
   */
  function rule(length: number, columnWidth: number, after = 0): Docx.Paragraph {
    const side = Math.max(0, (columnWidth - length) / 2);
    return new Paragraph({
      indent: { left: twip(side), right: twip(side) },
      spacing: { before: 0, after, line: 40, lineRule: docx.LineRuleType.EXACT },
      border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
      children: [new TextRun({ text: '', size: 2 })],
    });
  }

  const bodyParagraph = (runs: Run[], options: { indent?: boolean; alignment?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {}) =>
    line(runs, {
      alignment: options.alignment ?? AlignmentType.JUSTIFIED,
      indent: options.indent === false ? {} : { firstLine: twip(INDENT_MM) },
      spacing: { after: PARAGRAPH_AFTER_PT * 20, line: LINE, lineRule: docx.LineRuleType.AUTO },
    });

  /** A borderless table of two columns (the heading, the foot), as generators of these documents commonly do. */
  function twoColumns(leftWidthMm: number, leftRows: Docx.Paragraph[][], rightRows: Docx.Paragraph[][]): Docx.Table {
    const leftWidth = twip(leftWidthMm);
    const cell = (children: Docx.Paragraph[], cellWidth: number) =>
      new TableCell({ width: { size: cellWidth, type: WidthType.DXA }, borders: TableBorders.NONE, margins: { left: 0, right: 0, top: 0, bottom: 0 }, children });
    return new Table({
      width: { size: textWidth, type: WidthType.DXA },
      columnWidths: [leftWidth, textWidth - leftWidth],
      layout: TableLayoutType.FIXED,
      borders: TableBorders.NONE,
      rows: leftRows.map((leftChildren, index) => new TableRow({ cantSplit: true, children: [cell(leftChildren, leftWidth), cell(rightRows[index] ?? [line({ text: '', size: 2 })], textWidth - leftWidth)] })),
    });
  }

  function table(columns: TableColumn[], rows: string[][], total?: string[]): Docx.Table {
    const sum = columns.reduce((all, column) => all + column.width, 0);
    const widths = columns.map((column) => Math.floor((column.width / sum) * textWidth));
    const alignment = (value: TableColumn['align']) => (value === 'right' ? AlignmentType.RIGHT : value === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT);
    const row = (cells: string[], kind: 'header' | 'row' | 'total') =>
      new TableRow({
        tableHeader: kind === 'header',
        cantSplit: true,
        children: cells.map(
          (text, index) =>
            new TableCell({
              width: { size: widths[index]!, type: WidthType.DXA },
              margins: { top: 40, bottom: 40, left: 80, right: 80 },
              verticalAlign: docx.VerticalAlignTable.CENTER,
              children: [line({ text, size: SIZE.table, bold: kind !== 'row' }, { alignment: kind === 'header' ? AlignmentType.CENTER : alignment(columns[index]?.align) })],
            }),
        ),
      });
    return new Table({
      width: { size: textWidth, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      rows: [row(columns.map((column) => column.header), 'header'), ...rows.map((cells) => row(cells, 'row')), ...(total ? [row(total, 'total')] : [])],
    });
  }

  const pageHeader = () =>
    new docx.Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [docx.PageNumber.CURRENT], size: half(SIZE.pageNumber), font: FONT })] })] });

  return {
    /** A section on A4 with the decree's margins; page numbers in the header from its second page. */
    section(children: Array<Docx.Paragraph | Docx.Table>): Docx.ISectionOptions {
      return {
        properties: {
          titlePage: true,
          page: {
            size: { width: twip(PAGE_MM.width), height: twip(PAGE_MM.height) },
            margin: { top: twip(PAGE_MM.top), bottom: twip(PAGE_MM.bottom), left: twip(PAGE_MM.left), right: twip(PAGE_MM.right), header: twip(8), footer: twip(8) },
            pageNumbers: { start: 1 },
          },
        },
        headers: { default: pageHeader(), first: new docx.Header({ children: [new Paragraph({ children: [] })] }) },
        children,
      };
    },

    /**
     * Two borderless rows: the bodies and the national title with their rules, then the number and the place and
     * date, which so always share a line however many lines the bodies take.
     */
    heading(document: AdminDocument): Array<Docx.Paragraph | Docx.Table> {
      const rightWidth = TEXT_WIDTH_MM - HEADING_LEFT_MM;
      const fits = (bold: boolean, size: number) => (text: string) => measure(text, bold, size) <= HEADING_LEFT_MM - 2;
      const issuing = bodyNameLines(document.issuingBody, fits(true, SIZE.issuingBody));
      const issuingLine = Math.min(Math.max(...issuing.map((text) => measure(text, true, SIZE.issuingBody))), HEADING_LEFT_MM);
      const bodies = [
        ...bodyNameLines(document.parentBody, fits(false, SIZE.parentBody)).map((text) => centred(text, SIZE.parentBody)),
        ...issuing.map((text) => centred(text, SIZE.issuingBody, { bold: true })),
        rule(issuingLine * 0.4, HEADING_LEFT_MM),
      ];
      const title = [
        centred(NATIONAL_TITLE, SIZE.nationalTitle, { bold: true }),
        centred(MOTTO, SIZE.motto, { bold: true }),
        // As long as the motto's line.
        rule(measure(MOTTO, true, SIZE.motto), rightWidth),
      ];
      return [
        twoColumns(HEADING_LEFT_MM, [bodies, [centred(numberLine(document), SIZE.number, {}, { spacing: { before: 160 } })]], [title, [centred(placeDateLine(document), SIZE.placeDate, { italics: true }, { spacing: { before: 160 } })]]),
        centred('', SIZE.body),
      ];
    },

    title(document: AdminDocument): Docx.Paragraph[] {
      const summary = document.summary.trim();
      if (!summary) return [centred(upper(document.typeName), SIZE.typeName, { bold: true }, { spacing: { before: 240, after: 240 } })];
      const summaryLine = Math.min(measure(summary, true, SIZE.summary), TEXT_WIDTH_MM * 0.85);
      return [
        centred(upper(document.typeName), SIZE.typeName, { bold: true }, { spacing: { before: 240, after: 0 } }),
        centred(summary, SIZE.summary, { bold: true }, { indent: { left: twip(TEXT_WIDTH_MM * 0.075), right: twip(TEXT_WIDTH_MM * 0.075) } }),
        rule(Math.max(summaryLine * 0.4, TEXT_WIDTH_MM / 4), TEXT_WIDTH_MM, 280),
      ];
    },

    addressees(addressees: string[]): Docx.Paragraph[] {
      const { single, list } = addresseeLines(addressees);
      if (single) return [centred(single, SIZE.body, {}, { spacing: { after: 200 } })];
      if (list.length === 0) return [];
      const label = 'Kính gửi';
      const labelWidth = measure(label, false, SIZE.body);
      const listWidth = Math.max(...list.map((text) => measure(text, false, SIZE.body)));
      const blockLeft = Math.max(0, (TEXT_WIDTH_MM - labelWidth - listWidth) / 2);
      return [
        line({ text: `${label}:`, size: SIZE.body }, { indent: { left: twip(blockLeft) } }),
        ...list.map((text, index) => line({ text, size: SIZE.body }, { indent: { left: twip(blockLeft + labelWidth) }, spacing: { after: index === list.length - 1 ? 200 : 0 } })),
      ];
    },

    legalBases(bases: string[]): Docx.Paragraph[] {
      return legalBasisLines(bases).map((text) => bodyParagraph([{ text, size: SIZE.body, italics: true }]));
    },

    blocks(blocks: DocumentBlock[]): Array<Docx.Paragraph | Docx.Table> {
      return numberHeadings(blocks).flatMap((block): Array<Docx.Paragraph | Docx.Table> => {
        if (block.kind === 'heading') {
          return [new Paragraph({ keepNext: true, alignment: AlignmentType.JUSTIFIED, indent: { firstLine: twip(INDENT_MM) }, spacing: { before: 60, after: PARAGRAPH_AFTER_PT * 20, line: LINE, lineRule: docx.LineRuleType.AUTO }, children: [run({ text: `${block.label} ${block.text}`, size: SIZE.body, bold: block.level < 3 })] })];
        }
        if (block.kind === 'paragraph') return [bodyParagraph([{ text: block.text, size: SIZE.body, italics: block.italic ?? false }])];
        if (block.kind === 'dash') return [bodyParagraph([{ text: `- ${block.text}`, size: SIZE.body }])];
        // A paragraph after a table keeps the next table or text from touching it.
        return [table(block.columns, block.rows, block.total), line({ text: '', size: 6 })];
      });
    },

    /** "Nơi nhận:" flush left on the authority line's level; the authority, position, room to sign, and the name on the right. */
    foot(document: AdminDocument): Array<Docx.Paragraph | Docx.Table> {
      const { authority, position, name } = document.signature;
      const lines = [...authority.map(upper).filter(Boolean), upper(position)].filter(Boolean);
      const right = [
        ...lines.map((text) => centred(text, SIZE.signature, { bold: true })),
        centred(name.trim(), SIZE.signature, { bold: true }, { spacing: { before: twip(25) } }),
      ];
      const left = [
        line([{ text: 'Nơi nhận:', size: SIZE.recipientsTitle, bold: true, italics: true }], { spacing: { before: (SIZE.signature - SIZE.recipientsTitle) * 20 } }),
        ...recipientLines(document).map((text) => line({ text, size: SIZE.recipients }, { spacing: { line: 240, lineRule: docx.LineRuleType.AUTO } })),
      ];
      // Room between the text and the foot, as in the PDF.
      return [line({ text: '', size: SIZE.body }), twoColumns(FOOT_LEFT_MM, [left], [right])];
    },

    appendixTitle(label: string, title: string, note: string): Docx.Paragraph[] {
      return [centred(label, SIZE.typeName, { bold: true }), centred(upper(title), SIZE.typeName, { bold: true }), centred(note, SIZE.body, { italics: true }, { spacing: { after: 240 } })];
    },
  };
}
