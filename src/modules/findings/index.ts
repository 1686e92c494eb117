/** The findings feature's public face (findings and their follow-ups): other folders import it through this file only. */
export { type FindingRow, findingsRepository } from './findings.repository.js';
export { default as findingsRoutes } from './findings.routes.js';
export { type FindingsService, canClose, defaultSeverity, findingsService, findingTitle } from './findings.service.js';
export { findingsPolicy } from './findings.policy.js';
export { findingFormSchema, newFindingSchema, type FindingFormValues, type NewFindingInput } from './findings.schemas.js';
export { type FollowUpRow, followUpsRepository } from './follow-ups.repository.js';
export { default as followUpsRoutes } from './follow-ups.routes.js';
export { type FollowUpsService, followUpsService, isOverdue } from './follow-ups.service.js';
export { type FollowUpFormValues, followUpFormSchema } from './follow-ups.schemas.js';
export { findingListQuerySchema } from './findings.schemas.js';
export { followUpListQuerySchema } from './follow-ups.schemas.js';
