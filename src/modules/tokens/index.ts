/** The API tokens feature's public face: other folders import it through this file only. */
export { adminTokensRoutes, profileTokensRoutes } from './tokens.routes.js';
export { TOKEN_PREFIX, tokensService, type TokenAuthentication, type TokenRefusal, type TokensService, type TokenView } from './tokens.service.js';
