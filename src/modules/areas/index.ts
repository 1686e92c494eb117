/** The areas feature's public face: other folders import it through this file only. */
export { type AreaCatalog, areaExistsThroughout, type AreaRecord, buildAreaCatalog } from './areas.service.js';
