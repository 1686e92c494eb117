/** The auth feature's public face: other folders import it through this file only. */
export { default as authRoutes } from './auth.routes.js';
export { authService, type AuthService, type PasswordCheck } from './auth.service.js';
export { hashPassword, isGuessable, MIN_PASSWORD_LENGTH } from './passwords.js';
export { secretsRepository } from './secrets.repository.js';
export { sessionsRepository } from './sessions.repository.js';
