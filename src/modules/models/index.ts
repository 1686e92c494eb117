/** The prevention-models feature's public face: other folders import it through this file only. */
export { default as modelsRoutes } from './models.routes.js';
export { IDLE_MONTHS, modelsService, monthsBefore, type ModelsService } from './models.service.js';
