/** The victim-support feature's public face: other folders import it through this file only. */
export { default as victimsRoutes } from './victims.routes.js';
export { victimsService, type VictimsService } from './victims.service.js';
export { victimListQuerySchema } from './victims.schemas.js';
export { looksLikeIdentifyingNumber } from './victims.measures.js';
