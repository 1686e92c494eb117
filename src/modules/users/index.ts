/** The users feature's public face: other folders import it through this file only. */
export { type UserRow, usersRepository } from './users.repository.js';
export { adminUsersRoutes, profileRoutes } from './users.routes.js';
export { newUserSchema, passwordResetSchema, setupFormSchema, userUpdateSchema, type SetupFormValues } from './users.schemas.js';
export { usersService } from './users.service.js';
