/**
 * The measures of Nghị định 30/2020/NĐ-CP, Phụ lục I that both renderers use (A4, margins, type sizes), in
 * millimetres and points, so the PDF and the DOCX are laid out from the same numbers.
 */
export const PAGE_MM = { width: 210, height: 297, top: 20, bottom: 20, left: 30, right: 15 } as const;

/** The width the text runs over: 210 − 30 − 15 = 165 mm. */
export const TEXT_WIDTH_MM = PAGE_MM.width - PAGE_MM.left - PAGE_MM.right;

/** The heading's left column (issuing body, number) and the rest for the national title; both renderers share it. */
export const HEADING_LEFT_MM = 62;

/** The foot's left column ("Nơi nhận:") and the rest for the signature. */
export const FOOT_LEFT_MM = 72;

/** Type sizes in points (each within the range the decree allows). */
export const SIZE = {
  parentBody: 13,
  issuingBody: 13,
  number: 13,
  nationalTitle: 13,
  motto: 14,
  placeDate: 14,
  typeName: 14,
  summary: 14,
  body: 14,
  table: 12,
  signature: 14,
  recipientsTitle: 12,
  recipients: 11,
  pageNumber: 13,
} as const;

/** First-line indent of body paragraphs: 1 cm. */
export const INDENT_MM = 10;

/** Space after each body paragraph (at least 6 pt). */
export const PARAGRAPH_AFTER_PT = 6;

export const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

export const MM_TO_PT = 72 / 25.4;
