/** The roster of báo cáo viên and tuyên truyền viên: other folders import it through this file only. */
export { default as propagandistsRoutes } from './propagandists.routes.js';
export { propagandistsService, type PropagandistsService } from './propagandists.service.js';
