/** The checklists feature's public face: other folders import it through this file only. */
export { default as checklistsRoutes } from './checklists.routes.js';
export { type ChecklistsService, type Checklist, type ChecklistItem, checklistsService, englishItemText, itemApplies, legacySeverity, SUPERVISION_CHECKLIST, VENUE_CHECKLIST, checklistCodes, isChecklistCode, type ChecklistCode } from './checklists.service.js';
