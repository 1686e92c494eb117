/** The health feature's public face: other folders import it through this file only. */
export { default as healthRoutes } from './health.routes.js';
