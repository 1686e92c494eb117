/** The monitoring feature's public face (situations watched, as counts): other folders import it through this file only. */
export { default as monitoringRoutes } from './monitoring.routes.js';
export { monitoringService, type MonitoringService } from './monitoring.service.js';
export { monitoringListQuerySchema } from './monitoring.schemas.js';
