import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FOOT_LEFT_MM, HEADING_LEFT_MM, INDENT_MM, MM_TO_PT, MOTTO, NATIONAL_TITLE, PAGE_MM, PARAGRAPH_AFTER_PT, SIZE, TEXT_WIDTH_MM } from './layout.js';
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

const require = createRequire(import.meta.url);

/**
 * Times New Roman is not free to bundle, and no npm package ships a metric-compatible face (Tinos, Liberation
 * Serif) as whole files pdfkit can embed: @fontsource/tinos splits each face by Unicode range, so "Hạnh" would
 * need three fonts in one word. DejaVu Serif covers Vietnamese fully; its condensed cut runs closest to Times's
 * widths (about 3 % wider at 13 pt, where the normal cut is 10–25 % wider), so lines break nearly where Word's do.
 */
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = {
  regular: 'DejaVuSerifCondensed.ttf',
  bold: 'DejaVuSerifCondensed-Bold.ttf',
  italic: 'DejaVuSerifCondensed-Italic.ttf',
  boldItalic: 'DejaVuSerifCondensed-BoldItalic.ttf',
} as const;
type FontName = keyof typeof FONTS;

const mm = (value: number) => value * MM_TO_PT;
const LINE_GAP = 2;
const RULE_WIDTH = 0.75;

type Doc = PDFKit.PDFDocument;

/**
 * The document as a PDF stream (A4 portrait, margins 20/20/30/15 mm, page numbers centred in the top margin from
 * page 2, appendices numbered on their own). pdfkit loads with the first document, not at start-up.
 */
export async function renderAdminDocumentPdf(document: AdminDocument): Promise<Readable> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: mm(PAGE_MM.top), bottom: mm(PAGE_MM.bottom), left: mm(PAGE_MM.left), right: mm(PAGE_MM.right) },
    bufferPages: true,
    info: { Title: `${upper(document.typeName)} ${document.summary}`.trim(), Author: document.issuingBody, Producer: 'pcmbn' },
  });
  for (const [name, file] of Object.entries(FONTS)) doc.registerFont(name, path.join(fontDir, file));
  const writer = pdfWriter(doc);
  writer.heading(document);
  writer.title(document);
  writer.addressees(document.addressees);
  writer.legalBases(document.legalBases);
  writer.blocks(document.body);
  writer.foot(document);
  // Page numbers: the main text from its page 2; each appendix again from its own page 2.
  const starts = [0];
  (document.appendices ?? []).forEach((appendix, index, all) => {
    doc.addPage();
    starts.push(doc.bufferedPageRange().count - 1);
    writer.appendixTitle(appendixLabel(index, all.length), appendix.title, appendixNote(document, appendix));
    writer.blocks(appendix.body);
  });
  writer.pageNumbers(starts);
  doc.end();
  return doc as unknown as Readable;
}

function pdfWriter(doc: Doc) {
  const left = mm(PAGE_MM.left);
  const width = mm(TEXT_WIDTH_MM);
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  function font(name: FontName, size: number): Doc {
    return doc.font(name).fontSize(size);
  }

  /** Text centred in a column; returns the y below it. */
  function centred(text: string, x: number, y: number, columnWidth: number, name: FontName, size: number): number {
    font(name, size).text(text, x, y, { width: columnWidth, align: 'center', lineGap: LINE_GAP });
    return doc.y;
  }

  function rule(centreX: number, y: number, length: number): void {
    doc
      .save()
      .lineWidth(RULE_WIDTH)
      .moveTo(centreX - length / 2, y)
      .lineTo(centreX + length / 2, y)
      .stroke()
      .restore();
  }

  /** Starts a new page when `height` would not fit above the bottom margin. */
  function room(height: number): void {
    if (doc.y + height > bottom()) doc.addPage();
  }

  /** The largest size (from `size` down to `min`) at which the text fits one line of the column. */
  function fitting(text: string, name: FontName, size: number, min: number, columnWidth: number): number {
    let fitted = size;
    while (fitted > min && font(name, fitted).widthOfString(text) > columnWidth) fitted -= 1;
    return fitted;
  }

  const lineHeight = (name: FontName, size: number) => font(name, size).currentLineHeight(true) + LINE_GAP;

  function table(columns: TableColumn[], rows: string[][], total?: string[]): void {
    const totalWidth = columns.reduce((sum, column) => sum + column.width, 0);
    const widths = columns.map((column) => (column.width / totalWidth) * width);
    const pad = 3;
    const size = SIZE.table;
    const heightOf = (cells: string[], name: FontName) =>
      Math.max(...cells.map((cell, index) => font(name, size).heightOfString(cell || ' ', { width: widths[index]! - 2 * pad, lineGap: 1 }))) + 2 * pad;
    const draw = (cells: string[], name: FontName, header: boolean) => {
      const height = heightOf(cells, name);
      let x = left;
      const y = doc.y;
      cells.forEach((cell, index) => {
        const cellWidth = widths[index]!;
        doc.save().lineWidth(0.5).rect(x, y, cellWidth, height).stroke().restore();
        const align = header ? 'center' : (columns[index]?.align ?? 'left');
        font(name, size).text(cell, x + pad, y + pad, { width: cellWidth - 2 * pad, align, lineGap: 1 });
        x += cellWidth;
      });
      doc.x = left;
      doc.y = y + height;
    };
    const header = columns.map((column) => column.header);
    const headerHeight = heightOf(header, 'bold');
    // The header never sits alone at the foot of a page: it goes with the first row.
    room(headerHeight + (rows[0] ? heightOf(rows[0], 'regular') : 0));
    draw(header, 'bold', true);
    const lines: Array<{ cells: string[]; name: FontName }> = [...rows.map((cells) => ({ cells, name: 'regular' as const })), ...(total ? [{ cells: total, name: 'bold' as const }] : [])];
    for (const line of lines) {
      if (doc.y + heightOf(line.cells, line.name) > bottom()) {
        doc.addPage();
        draw(header, 'bold', true);
      }
      draw(line.cells, line.name, false);
    }
    doc.y += PARAGRAPH_AFTER_PT;
  }

  return {
    /** Ô 1–4: parent and issuing body with its short rule and the number on the left; national title, motto with its rule, place and date on the right. */
    heading(document: AdminDocument): void {
      const top = doc.page.margins.top;
      const leftWidth = mm(HEADING_LEFT_MM);
      const rightX = left + leftWidth;
      const rightWidth = width - leftWidth;

      let y = top;
      const fits = (name: FontName, size: number) => (text: string) => font(name, size).widthOfString(text) <= leftWidth;
      for (const line of bodyNameLines(document.parentBody, fits('regular', SIZE.parentBody))) y = centred(line, left, y, leftWidth, 'regular', SIZE.parentBody);
      const issuing = bodyNameLines(document.issuingBody, fits('bold', SIZE.issuingBody));
      for (const line of issuing) y = centred(line, left, y, leftWidth, 'bold', SIZE.issuingBody);
      const issuingLine = Math.min(Math.max(...issuing.map((line) => font('bold', SIZE.issuingBody).widthOfString(line))), leftWidth);
      rule(left + leftWidth / 2, y + 1, issuingLine * 0.4);
      const leftEnd = y + 1;

      const titleSize = fitting(NATIONAL_TITLE, 'bold', SIZE.nationalTitle, 12, rightWidth);
      let rightY = centred(NATIONAL_TITLE, rightX, top, rightWidth, 'bold', titleSize);
      const mottoSize = fitting(MOTTO, 'bold', SIZE.motto, 13, rightWidth);
      rightY = centred(MOTTO, rightX, rightY, rightWidth, 'bold', mottoSize);
      // The rule under the motto is exactly as long as the motto's line.
      rule(rightX + rightWidth / 2, rightY + 1, font('bold', mottoSize).widthOfString(MOTTO));

      // "Số" and the place and date share a line.
      const lineY = Math.max(leftEnd, rightY + 1) + 8;
      centred(numberLine(document), left, lineY + (SIZE.placeDate - SIZE.number) / 2, leftWidth, 'regular', SIZE.number);
      centred(placeDateLine(document), rightX, lineY, rightWidth, 'italic', SIZE.placeDate);
      doc.x = left;
      doc.y = lineY + lineHeight('italic', SIZE.placeDate) + 18;
    },

    /** Ô 5a: the type name and the summary, centred and bold, with a short rule below. */
    title(document: AdminDocument): void {
      centred(upper(document.typeName), left, doc.y, width, 'bold', SIZE.typeName);
      if (document.summary.trim()) {
        const summaryWidth = width * 0.85;
        const y = centred(document.summary.trim(), left + (width - summaryWidth) / 2, doc.y, summaryWidth, 'bold', SIZE.summary);
        const line = Math.min(font('bold', SIZE.summary).widthOfString(document.summary.trim()), summaryWidth);
        rule(left + width / 2, y + 1, Math.max(line * 0.4, width / 4));
        doc.y = y + 1;
      }
      doc.x = left;
      doc.y += 14;
    },

    /** Ô 9a: "Kính gửi:" centred; several addressees one per line, their dashes under the colon. */
    addressees(addressees: string[]): void {
      if (addressees.length === 0) return;
      const { single, list } = addresseeLines(addressees);
      if (single) {
        centred(single, left, doc.y, width, 'regular', SIZE.body);
      } else if (list.length > 0) {
        const label = 'Kính gửi';
        const labelWidth = font('regular', SIZE.body).widthOfString(label);
        const listWidth = Math.max(...list.map((line) => font('regular', SIZE.body).widthOfString(line)));
        const blockX = left + Math.max(0, (width - labelWidth - listWidth) / 2);
        font('regular', SIZE.body).text(`${label}:`, blockX, doc.y, { lineGap: LINE_GAP });
        const listX = blockX + labelWidth;
        for (const line of list) font('regular', SIZE.body).text(line, listX, doc.y, { width: left + width - listX, lineGap: LINE_GAP });
      }
      doc.x = left;
      doc.y += 10;
    },

    /** Căn cứ: italic, indented, one per line. */
    legalBases(bases: string[]): void {
      for (const line of legalBasisLines(bases)) {
        font('italic', SIZE.body).text(line, left, doc.y, { width, align: 'justify', indent: mm(INDENT_MM), lineGap: LINE_GAP, paragraphGap: PARAGRAPH_AFTER_PT });
      }
    },

    blocks(blocks: DocumentBlock[]): void {
      for (const block of numberHeadings(blocks)) {
        if (block.kind === 'heading') {
          const name: FontName = block.level === 3 ? 'regular' : 'bold';
          const text = `${block.label} ${block.text}`;
          // A heading keeps at least two lines of what follows on its page.
          room(font(name, SIZE.body).heightOfString(text, { width: width - mm(INDENT_MM), lineGap: LINE_GAP }) + 2 * lineHeight('regular', SIZE.body));
          font(name, SIZE.body).text(text, left, doc.y, { width, align: 'justify', indent: mm(INDENT_MM), lineGap: LINE_GAP, paragraphGap: PARAGRAPH_AFTER_PT });
        } else if (block.kind === 'paragraph') {
          font(block.italic ? 'italic' : 'regular', SIZE.body).text(block.text, left, doc.y, { width, align: 'justify', indent: mm(INDENT_MM), lineGap: LINE_GAP, paragraphGap: PARAGRAPH_AFTER_PT });
        } else if (block.kind === 'dash') {
          font('regular', SIZE.body).text(`- ${block.text}`, left, doc.y, { width, align: 'justify', indent: mm(INDENT_MM), lineGap: LINE_GAP, paragraphGap: PARAGRAPH_AFTER_PT });
        } else {
          table(block.columns, block.rows, block.total);
        }
      }
    },

    /** Ô 7 and 9b side by side: "Nơi nhận:" flush left, level with the authority line; the signature on the right. */
    foot(document: AdminDocument): void {
      const leftWidth = mm(FOOT_LEFT_MM);
      const rightX = left + leftWidth;
      const rightWidth = width - leftWidth;
      const { authority, position, name } = document.signature;
      const authorityLines = [...authority.map(upper).filter(Boolean), upper(position)].filter(Boolean);
      const signatureSpace = mm(25);
      const recipients = recipientLines(document);
      doc.y += 12;
      const rightHeight = authorityLines.reduce((sum, line) => sum + font('bold', SIZE.signature).heightOfString(line, { width: rightWidth, lineGap: LINE_GAP }), 0) + signatureSpace + lineHeight('bold', SIZE.signature);
      const leftHeight = lineHeight('boldItalic', SIZE.recipientsTitle) + recipients.reduce((sum, line) => sum + font('regular', SIZE.recipients).heightOfString(line, { width: leftWidth - 6, lineGap: 1 }), 0);
      room(Math.max(leftHeight, rightHeight));
      const top = doc.y;
      let y = top;
      for (const line of authorityLines) y = centred(line, rightX, y, rightWidth, 'bold', SIZE.signature);
      centred(name.trim() || ' ', rightX, y + signatureSpace, rightWidth, 'bold', SIZE.signature);
      const rightEnd = doc.y;
      // "Nơi nhận:" sits on the first line of the signature block, with its baseline on the authority line's.
      font('boldItalic', SIZE.recipientsTitle).text('Nơi nhận:', left, top + (SIZE.signature - SIZE.recipientsTitle), { lineGap: LINE_GAP });
      for (const line of recipients) font('regular', SIZE.recipients).text(line, left, doc.y, { width: leftWidth - 6, lineGap: 1 });
      doc.x = left;
      doc.y = Math.max(doc.y, rightEnd);
    },

    appendixTitle(label: string, title: string, note: string): void {
      centred(label, left, doc.page.margins.top, width, 'bold', SIZE.typeName);
      centred(upper(title), left, doc.y, width, 'bold', SIZE.typeName);
      centred(note, left, doc.y, width, 'italic', SIZE.body);
      doc.x = left;
      doc.y += 12;
    },

    /** Arabic numbers, upright, centred in the top margin; none on the first page of the text or of an appendix. */
    pageNumbers(starts: number[]): void {
      const range = doc.bufferedPageRange();
      for (let index = 0; index < range.count; index += 1) {
        const start = Math.max(...starts.filter((first) => first <= index));
        const number = index - start + 1;
        if (number === 1) continue;
        doc.switchToPage(range.start + index);
        const margins = { ...doc.page.margins };
        doc.page.margins = { ...margins, top: 0, bottom: 0 };
        font('regular', SIZE.pageNumber).text(String(number), left, mm(PAGE_MM.top) / 2 - SIZE.pageNumber / 2, { width, align: 'center', lineBreak: false });
        doc.page.margins = margins;
      }
    },
  };
}
