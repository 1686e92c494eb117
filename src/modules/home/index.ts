/** The home feature's public face: other folders import it through this file only. */
export { default as homeRoutes } from './home.routes.js';
export { homeService } from './home.service.js';
