/** The rounds feature's public face: other folders import it through this file only. */
export { roundsRepository } from './rounds.repository.js';
export { default as roundsRoutes } from './rounds.routes.js';
export { roundFormSchema, roundInputSchema, type RoundFormValues, type RoundInput } from './rounds.schemas.js';
export { type RoundsService, roundsService } from './rounds.service.js';
export { roundListQuerySchema } from './rounds.schemas.js';
