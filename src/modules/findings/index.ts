/** The findings feature's public face: other folders import it through this file only. */
export { type FindingRow, findingsRepository } from './findings.repository.js';
export { default as findingsRoutes } from './findings.routes.js';
export { type FindingsService, canClose, defaultSeverity, findingsService, findingTitle } from './findings.service.js';
