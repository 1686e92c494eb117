/**
 * Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP): one model, rendered as PDF (pdfkit, bundled
 * DejaVu Serif Condensed) and as DOCX (docx, Times New Roman) for editing before signing.
 */
export { renderAdminDocumentDocx } from './docx.js';
export { renderAdminDocumentPdf } from './pdf.js';
export {
  bodyAbbreviation,
  bodyNameLines,
  numberLine,
  placeDateLine,
  recipientLines,
  sentenceCase,
  upper,
  type AdminDocument,
  type DocumentAppendix,
  type DocumentBlock,
  type DocumentSignature,
  type TableColumn,
} from './model.js';
