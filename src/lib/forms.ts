import { z } from 'zod';
import type { Message, MessageKey, MessageParams } from '../i18n/index.js';

/** Messages per form field, as catalog keys translated in the view. */
export type FieldErrors = Record<string, Message[]>;

export function addFieldError(errors: FieldErrors, field: string, key: MessageKey, params?: MessageParams): void {
  (errors[field] ??= []).push(params ? { key, params } : { key });
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** Zod issues → field errors; schemas use catalog keys as their messages and put parameters in `params`. */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    const params = 'params' in issue ? (issue.params as MessageParams | undefined) : undefined;
    addFieldError(errors, field, issue.message as MessageKey, params);
  }
  return errors;
}

/** A form field that may be sent once, several times or not at all, as a list of strings. */
export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string');
}

/** A single text field: the first value when repeated, '' when missing or not text. */
export function asText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/**
 * Building blocks of form schemas. A posted form is read first exactly as typed (so a refused form comes back
 * with everything in it): `formText` is one text field ('' when missing), `formList` a field sent any number of
 * times, `formFlag` a checkbox. These never fail; the validating schema of each endpoint then turns the values
 * into typed input with a message per field.
 */
export const formText = z.unknown().optional().transform(asText);
export const formList = z.unknown().optional().transform(asList);
export const formFlag = z.unknown().optional().transform((value) => ['1', 'on', 'true', 'yes'].includes(asText(value)));

/** Runs an endpoint's validating schema over values read from a form: typed input, or messages per field. */
export function parseForm<T>(schema: z.ZodType<T>, values: unknown): FormResult<T> {
  const parsed = schema.safeParse(values);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: zodFieldErrors(parsed.error) };
}

/**
 * A whole number as people type it, in Vietnamese or English: digits, or digits grouped in thousands with dots,
 * commas or spaces, one kind per number ("1.000", "1,000", "1 000" are all a thousand). Counts and money are
 * whole, so a number that looks like a decimal ("1,5", "2.50") is refused with its own message rather than
 * guessed at: in Vietnamese "1,5" is one and a half, in English it would be a typo.
 */
export function readWholeNumber(text: string): { ok: true; value: number } | { ok: false; key: 'errors.wholeNumber' | 'errors.number.decimal' } {
  const typed = text.trim().replace(/[\u00a0\u202f]/g, ' ');
  const grouped = /^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$/.exec(typed);
  const digits = grouped ? typed.replace(/[.,\s]/g, '') : typed;
  if (/^\d{1,15}$/.test(digits)) {
    const value = Number(digits);
    if (Number.isSafeInteger(value)) return { ok: true, value };
  }
  if (/^\d*[.,]\d+$/.test(typed) || /^\d{1,3}(?:[.,\s]\d{3})*[.,]\d{1,2}$/.test(typed)) return { ok: false, key: 'errors.number.decimal' };
  return { ok: false, key: 'errors.wholeNumber' };
}

/** A result that is either a value or the field errors to show beside the form's fields. */
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };
