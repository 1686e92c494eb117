/** The summaries feature's public face: other folders import it through this file only. */
export { default as summariesRoutes } from './summaries.routes.js';
export { summaryFilterSchema } from './summaries.schemas.js';
export { summaryFigureLink } from './summary.links.js';
export { figureColumns, summaryService, victimFigures, type Figures, type FigureColumn, type RoundAreaFigures, type Summary, type SummaryService } from './summary.service.js';
