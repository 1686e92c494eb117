/** The summaries feature's public face: other folders import it through this file only. */
export { default as summariesRoutes } from './summaries.routes.js';
export { summaryService } from './summary.service.js';
export { summaryFigureLink } from './summary.links.js';
export { figureColumns, victimFigures, type Figures, type FigureColumn, type Summary, type SummaryService } from './summary.service.js';
