/** The auth feature's public face: other folders import it through this file only. */
export { default as authRoutes } from './auth.routes.js';
export { authService, type AuthService } from './auth.service.js';
export { secretsRepository } from './secrets.repository.js';
