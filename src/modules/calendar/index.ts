/** The calendar feature's public face: other folders import it through this file only. */
export { default as calendarRoutes } from './calendar.routes.js';
