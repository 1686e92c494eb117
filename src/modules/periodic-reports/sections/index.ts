import { communicationSection } from './communication.js';
import { directionSection } from './direction.js';
import { findingsSection } from './findings.js';
import { inspectionsSection } from './inspections.js';
import type { SectionProvider } from './types.js';
import { victimsSection } from './victims.js';

export type { ReportFigure, SectionContent, SectionContext, SectionProvider, SectionRows } from './types.js';

/**
 * The sections of a periodic report, in the order the report reads (the order of the source reports). A feature
 * that brings new records (supervision, prevention models, situations watched …) adds its provider here.
 */
export const sectionProviders: readonly SectionProvider[] = [directionSection, communicationSection, inspectionsSection, findingsSection, victimsSection];
