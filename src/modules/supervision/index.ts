/** The supervision feature's public face: records of area authorities, their recommendations, the area pages. */
export { default as supervisionRoutes } from './supervision.routes.js';
export { authorityOf, isRecommendationOverdue, supervisionService, type SupervisionAreaResult, type SupervisionService } from './supervision.service.js';
export { recommendationListQuerySchema, recordFormSchema, recordInput, recordListQuerySchema, type RecordFormValues, type RecordInput } from './supervision.schemas.js';
