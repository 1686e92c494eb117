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

/** A request that is well formed but not allowed by the record's state (e.g. completing a cancelled round). */
export class RuleError extends Error {
  constructor(public readonly userMessage: Message) {
    super(userMessage.key);
  }
}
