export * from './areas.js';
export * from './audit.js';
export * from './rounds.js';
export * from './users.js';
export * from './submissions.js';
export * from './venues.js';
export * from './checks.js';
export * from './findings.js';
