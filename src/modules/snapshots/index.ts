/** The reporting snapshot's public face: other folders import it through this file only. */
export { SnapshotError, snapshotTables, writeSnapshot, type SnapshotOptions } from './snapshot.service.js';
