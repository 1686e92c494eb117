/** The audit feature's public face: other folders import it through this file only. */
export { default as auditRoutes } from './audit.routes.js';
export { type AuditService, auditService, diff, type Snapshot } from './audit.service.js';
