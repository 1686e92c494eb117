/** The periodic-reports feature's public face: other folders import it through this file only. */
export { default as periodicReportsRoutes } from './periodic-reports.routes.js';
export { default as reportingPeriodsRoutes } from './periods.routes.js';
export { default as periodicReportsSchedule } from './periodic-reports.schedule.js';
export { periodicReportsService, type PeriodicReportsService, type DueReport } from './periodic-reports.service.js';
export { reminderTick } from './periodic-reports.reminders.js';
export { snapshotToDocument, figuresWorkbook, type SnapshotDocumentContext } from './periodic-reports.document.js';
export { sectionProviders, type SectionProvider } from './sections/index.js';
export type { ReportSnapshot } from './periodic-reports.snapshot.js';
