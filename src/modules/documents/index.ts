/** The documents feature's public face: other folders import it through this file only. */
export { buildRoundResultDocument, type RoundResultContent, type SupervisionAreaResult, type VenueCheckFigures } from './documents.builder.js';
export { default as documentsRoutes } from './documents.routes.js';
export { documentsService, type DocumentsService } from './documents.service.js';
