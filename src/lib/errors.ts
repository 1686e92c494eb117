import type { Message } from '../i18n/index.js';

/** The record does not exist, or the user may not see it (both answer 404 so ids do not leak). */
export class NotFoundError extends Error {
  constructor(what = 'record') {
    super(`${what} not found`);
  }
}

/** Someone else saved the record after it was loaded (its version moved on). */
export class ConflictError extends Error {
  constructor(public readonly userMessage: Message = { key: 'error.409.body' }) {
    super('version conflict');
  }
}

/** The person may not do this to this record (403), with why. */
export class ForbiddenError extends Error {
  constructor(public readonly userMessage: Message) {
    super(userMessage.key);
  }
}

/** A request that is well formed but not allowed in the record's state (409), e.g. completing a cancelled round. */
export class StateError extends Error {
  constructor(public readonly userMessage: Message) {
    super(userMessage.key);
  }
}

/** An error a person is shown with its own message: 403 or 409. */
export type RuleError = ForbiddenError | StateError;
export const isRuleError = (error: unknown): error is RuleError => error instanceof ForbiddenError || error instanceof StateError;

/**
 * A one-time request key sent again with another body, by another person or for another kind of write (422):
 * never an honest repeat, so nothing is written and the person is asked to reload the page.
 */
export class RequestKeyReusedError extends Error {
  readonly userMessage: Message = { key: 'errors.requestKey.reused' };
  constructor() {
    super('request key reused');
  }
}
