/** The summaries feature's public face: other folders import it through this file only. */
export { default as summariesRoutes } from './summaries.routes.js';
export { summaryFilterSchema } from './summaries.schemas.js';
export { summaryService, victimFigures, type RoundAreaFigures, type SummaryService } from './summary.service.js';
