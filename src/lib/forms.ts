import type { z } from 'zod';
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

/** A result that is either a value or the field errors to show beside the form's fields. */
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };
