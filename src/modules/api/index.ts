/** The JSON API's public face: other folders import it through this file only. */
export { apiDocsRoutes } from './api.docs.js';
export { apiRoutes } from './api.routes.js';
