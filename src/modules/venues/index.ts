/** The venues feature's public face: other folders import it through this file only. */
export { venuesRepository } from './venues.repository.js';
export { default as venuesRoutes } from './venues.routes.js';
export { venuesService } from './venues.service.js';
export { venueFormSchema, venueInputSchema, type VenueFormValues, type VenueInput } from './venues.schemas.js';
export { venueListQuerySchema } from './venues.schemas.js';
