import type { Actor } from '../../access/actor.js';
import type { Language } from '../../i18n/index.js';
import { nowIso } from '../../lib/dates.js';
import { vocabularyLabel } from '../../lib/vocabulary.js';
import type { ChecklistsService } from '../checklists/index.js';
import type { RoundsService } from '../rounds/index.js';
import type { inspectionsService } from '../inspections/index.js';
import type { venuesService } from '../venues/index.js';

/** At most this many venues of one round go to a phone (a commune rarely has more; the search on the phone says so). */
export const BUNDLE_VENUES_PER_ROUND = 2000;

export interface OfflineBundle {
  userId: number;
  preparedAt: string;
  rounds: Array<{
    id: number;
    title: string;
    startDate: string;
    endDate: string;
    areas: Array<{ id: number; name: string }>;
    url: string;
    newReportUrl: string;
    venues: Array<{ id: number; name: string; address: string; kind: string; kindLabel: string; areaName: string }>;
    venuesMore: boolean;
  }>;
  checklist: {
    id: number;
    version: number;
    categories: Array<{ code: string; name: string }>;
    items: Array<{ code: string; category: string; text: string; appliesTo: string; basis: string }>;
  };
  drafts: Array<{ id: number; roundId: number; venue: { id: number; name: string }; url: string; version: number; status: string }>;
}

/**
 * What a phone keeps for working offline: the rounds under way on whose team the person is, the venues of their
 * areas (capped per round), the checklist version a report started now would use, and the person's editable
 * reports. Built through the other features' services, so scope and team rules are theirs.
 */
export function offlineService({
  rounds,
  venues,
  inspections,
  checklists,
  now,
}: {
  rounds: RoundsService;
  venues: ReturnType<typeof venuesService>;
  inspections: ReturnType<typeof inspectionsService>;
  checklists: ChecklistsService;
  now: () => Date;
}) {
  return {
    bundle(actor: Actor, lang: Language, onlyRound?: number): OfflineBundle {
      const userId = actor.userId!;
      const mine = rounds.inProgressForMember(actor).filter((round) => onlyRound === undefined || round.id === onlyRound);
      const checklist = checklists.latest();
      const drafts: OfflineBundle['drafts'] = [];
      const bundleRounds = mine.map((round) => {
        const { venues: found, more } = venues.allInAreas(actor, round.areas.map((area) => area.id), BUNDLE_VENUES_PER_ROUND);
        for (const report of inspections.reportsFor(actor, { roundId: round.id, inspectorId: userId }, 1000)) {
          if (report.status !== 'draft' && report.status !== 'returned') continue;
          drafts.push({ id: report.id, roundId: round.id, venue: { id: report.venueId, name: report.venueName }, url: `/checks/${report.id}`, version: report.version, status: report.status });
        }
        return {
          id: round.id,
          title: round.title,
          startDate: round.startDate,
          endDate: round.endDate,
          areas: round.areas.map((area) => ({ id: area.id, name: area.name })),
          url: `/rounds/${round.id}`,
          newReportUrl: `/rounds/${round.id}/checks/new`,
          venues: found.map((venue) => ({
            id: venue.id,
            name: venue.name,
            address: venue.address,
            kind: venue.kind,
            kindLabel: vocabularyLabel('venue_kinds', venue.kind, lang),
            areaName: venue.area?.name ?? '',
          })),
          venuesMore: more,
        };
      });
      return {
        userId,
        preparedAt: nowIso(now()),
        rounds: bundleRounds,
        checklist: {
          id: checklist.id,
          version: checklist.version,
          categories: checklist.body.categories.map((category) => ({ code: category.code, name: lang === 'en' ? category.en : category.vi })),
          items: checklist.body.items.map((item) => ({ code: item.code, category: item.category, text: lang === 'en' ? item.en : item.vi, appliesTo: item.applies_to, basis: item.basis })),
        },
        drafts,
      };
    },
  };
}

export type OfflineService = ReturnType<typeof offlineService>;
