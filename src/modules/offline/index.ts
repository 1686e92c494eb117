/** The offline feature's public face: other folders import it through this file only. */
export { default as offlineRoutes } from './offline.routes.js';
export { BUNDLE_VENUES_PER_ROUND, offlineService, type OfflineBundle, type OfflineService } from './offline.service.js';
