/** The follow-ups feature's public face: other folders import it through this file only. */
export { type FollowUpRow, followUpsRepository } from './follow-ups.repository.js';
export { default as followUpsRoutes } from './follow-ups.routes.js';
export { type FollowUpsService, type FollowUpFormValues, followUpsService, isOverdue, readFollowUpForm } from './follow-ups.service.js';
