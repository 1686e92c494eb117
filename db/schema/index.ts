export * from './areas.js';
export * from './rounds.js';
