import { z } from 'zod';
import { parseDateInput } from '../../lib/dates.js';
import { formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import type { MessageKey, MessageParams } from '../../i18n/index.js';

/** The result document's details form exactly as typed, re-rendered on an error so nothing is lost. */
export const resultFormSchema = z.object({
  parentBody: formText,
  issuingBody: formText,
  number: formText,
  symbol: formText,
  place: formText,
  documentDate: formText,
  summary: formText,
  addressees: formText,
  authority: formText,
  signerPosition: formText,
  signerName: formText,
  recipients: formText,
  archive: formText,
  version: formText,
});
export type ResultFormValues = z.infer<typeof resultFormSchema>;

/** What a valid form holds: the document's details, typed. */
export interface ResultDetailsInput {
  parentBody: string;
  issuingBody: string;
  number: number | null;
  symbol: string;
  place: string;
  documentDate: string;
  summary: string;
  addressees: string[];
  authority: string[];
  signerPosition: string;
  signerName: string;
  recipients: string[];
  archive: string;
}

/** Upper-case groups joined by "-", no spaces: "BC-UBND", "BC-BCĐ138". */
const SYMBOL_PATTERN = /^[A-ZĐ0-9]{1,10}(-[A-ZĐ0-9.]{1,20}){1,3}$/u;
const MAX_LINES = { addressees: 10, authority: 2, recipients: 30 } as const;

/** A text area's lines, cleaned, empty ones left out. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => cleanText(line))
    .filter(Boolean);
}

/** The rules of the details: the layout's required parts present, the symbol as the decree writes it, a real date. */
export const resultInputSchema = resultFormSchema.transform((values, ctx): ResultDetailsInput => {
  let refused = false;
  const issue = (field: string, message: MessageKey, params?: MessageParams) => {
    refused = true;
    ctx.addIssue({ code: 'custom', path: [field], message, ...(params ? { params } : {}) });
  };
  const text = (field: keyof ResultFormValues, max: number, required?: MessageKey) => {
    const value = cleanText(values[field]);
    if (!value && required) issue(field, required);
    else if (value.length > max) issue(field, 'errors.tooLong', { max });
    return value;
  };
  const lines = (field: 'addressees' | 'authority' | 'recipients', maxLength: number) => {
    const list = linesOf(values[field]);
    if (list.length > MAX_LINES[field]) issue(field, 'errors.document.tooManyLines', { max: MAX_LINES[field] });
    else if (list.some((line) => line.length > maxLength)) issue(field, 'errors.document.lineTooLong', { max: maxLength });
    return list;
  };
  const parentBody = text('parentBody', 200);
  const issuingBody = text('issuingBody', 200, 'errors.document.issuingBodyRequired');
  const numberText = values.number.trim();
  let number: number | null = null;
  if (numberText) {
    if (/^\d{1,6}$/.test(numberText) && Number(numberText) >= 1) number = Number(numberText);
    else issue('number', 'errors.document.number');
  }
  const symbol = cleanText(values.symbol).toLocaleUpperCase('vi');
  if (!symbol) issue('symbol', 'errors.document.symbolRequired');
  else if (!SYMBOL_PATTERN.test(symbol)) issue('symbol', 'errors.document.symbol');
  const place = text('place', 100, 'errors.document.placeRequired');
  const documentDate = parseDateInput(values.documentDate);
  if (!values.documentDate.trim()) issue('documentDate', 'errors.date.required');
  else if (!documentDate) issue('documentDate', 'errors.date.invalid');
  const summary = text('summary', 300, 'errors.document.summaryRequired');
  const addressees = lines('addressees', 200);
  const authority = lines('authority', 100);
  const signerPosition = text('signerPosition', 100, 'errors.document.positionRequired');
  const signerName = text('signerName', 100);
  const recipients = lines('recipients', 200);
  const archive = text('archive', 100);
  if (refused || !documentDate) return z.NEVER;
  return { parentBody, issuingBody, number, symbol, place, documentDate, summary, addressees, authority, signerPosition, signerName, recipients, archive: archive || 'VT' };
});
