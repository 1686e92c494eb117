/** The inspections feature's public face: other folders import it through this file only. */
export { type CheckRow, inspectionsRepository } from './inspections.repository.js';
export { default as inspectionsRoutes } from './inspections.routes.js';
export { inspectionsService, MAX_ATTACHMENTS } from './inspections.service.js';
export { reportInput, startReportInput, type ReportInput, type StartReportInput } from './inspections.schemas.js';
export { checkListQuerySchema } from './inspections.schemas.js';
