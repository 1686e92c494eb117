/** The outreach feature's public face: other folders import it through this file only. */
export { default as outreachRoutes } from './outreach.routes.js';
export { outreachService } from './outreach.service.js';
export { outreachListQuerySchema } from './outreach.schemas.js';
