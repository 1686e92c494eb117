/** The campaigns feature's public face: other folders import it through this file only. */
export { default as campaignsRoutes } from './campaigns.routes.js';
export { campaignsService } from './campaigns.service.js';
export { campaignListQuerySchema } from './campaigns.schemas.js';
