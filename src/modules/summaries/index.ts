/** The summaries feature's public face: other folders import it through this file only. */
export { default as summariesRoutes } from './summaries.routes.js';
export { summaryService } from './summary.service.js';
export { summaryFilterSchema } from './summaries.schemas.js';
export { victimFigures } from './summary.service.js';
