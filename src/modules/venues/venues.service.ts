import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { formatDate, nowIso, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { addFieldError, hasErrors, type FieldErrors } from '../../lib/forms.js';
import { pageWindow, type Page } from '../../lib/pagination.js';
import { searchKey, searchWords } from '../../lib/text.js';
import type { AreaCatalog, AreaRecord } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type Snapshot } from '../audit/index.js';
import { submissionKeyPattern, formKeysRepository } from '../form-keys/index.js';
import { venuesRepository, type VenueListFilter, type VenueRow, type VenueWrite } from './venues.repository.js';
import type { VenueFormValues, VenueInput, VenueListQuery } from './venues.schemas.js';
import type { AuditService } from '../audit/index.js';
import { venuesPolicy, type VenueAbilities } from './venues.policy.js';

export interface VenueListItem extends VenueRow {
  area: AreaRecord | undefined;
  licenceExpired: boolean;
}

export type VenueSaveResult =
  | { ok: true; id: number }
  | { ok: false; errors: FieldErrors; duplicate?: VenueRow };

/** Name and address with diacritics, case, punctuation and the usual prefixes removed: how duplicates are found. */
export function dedupeKey(name: string, address: string): string {
  const normalise = (text: string) =>
    searchKey(text)
      .replace(/[^a-z0-9 ]/g, ' ')
      .replace(/\b(so|duong|pho|to|ban|thon|khu|xom|tieu khu)\b/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  return `${normalise(name)}|${normalise(address)}`;
}

export function venuesService({ db, catalog, audit, now = () => new Date() }: { db: AppDatabase; catalog: AreaCatalog; audit: AuditService; now?: () => Date }) {
  const repository = venuesRepository(db);
  const submissions = formKeysRepository(db);

  function toWrite(input: VenueInput): VenueWrite {
    const area = catalog.byId.get(input.areaId);
    return {
      ...input,
      dedupeKey: dedupeKey(input.name, input.address),
      searchText: searchKey(
        [input.name, input.address, input.ownerName, area?.name ?? '', input.businessRegistrationNumber, input.licenceNumber, input.phone].join(' '),
      ),
    };
  }

  function snapshot(venue: VenueRow): Snapshot {
    return {
      kind: venue.kind,
      name: venue.name,
      area: catalog.byId.get(venue.areaId)?.name ?? String(venue.areaId),
      address: venue.address,
      ownerName: venue.ownerName,
      phone: venue.phone,
      businessRegistrationNumber: venue.businessRegistrationNumber,
      licenceNumber: venue.licenceNumber,
      licenceExpiry: venue.licenceExpiry,
      staffCount: venue.staffCount,
      status: venue.status,
      notes: venue.notes,
    };
  }

  function withArea(venue: VenueRow): VenueListItem {
    const today = todayInVietnam(now());
    return { ...venue, area: catalog.byId.get(venue.areaId), licenceExpired: venue.licenceExpiry !== null && venue.licenceExpiry < today };
  }

  /** The area rule, which needs the province's units: one offered and in this person's scope. */
  function areaErrors(actor: Actor, input: VenueInput): FieldErrors {
    const errors: FieldErrors = {};
    if (!catalog.isOffered(input.areaId)) addFieldError(errors, 'areaId', 'errors.venue.area');
    else if (!scopeIncludes(actor.scope, input.areaId)) addFieldError(errors, 'areaId', 'errors.areas.outOfScope', { area: catalog.byId.get(input.areaId)!.name });
    return errors;
  }

  function load(actor: Actor, id: number): VenueRow {
    const venue = repository.findById(id, actor.scope);
    if (!venue) throw new NotFoundError('venue');
    return venue;
  }

  return {
    dedupeKey,

    listVenues(actor: Actor, query: VenueListQuery): Page<VenueListItem> {
      const filter: VenueListFilter = { scope: actor.scope, words: searchWords(query.q) };
      if (query.area) filter.areaIds = catalog.filterIds(query.area);
      if (query.kind) filter.kind = query.kind;
      if (query.status) filter.status = query.status;
      if (query.expired) filter.expiredBefore = todayInVietnam(now());
      const total = repository.count(filter);
      const window = pageWindow(query.page, total);
      const items = repository.list(filter, window.pageSize, window.offset).map(withArea);
      return { items, total, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    },

    /** Venues a report in a round may be about: those in (or overlapping) the round's areas, matching the typed words. */
    /** Venues to pick from in a round's areas (a picker's worth), and whether there are more. */
    /**
     * Venues to pick from for a report in a round's areas. `leaveOut` names venues already shown apart (the one
     * chosen before the page opened, the one ticked before a new search), so no venue is listed twice.
     */
    searchInAreas(actor: Actor, areaIds: number[], query: string, leaveOut: number[] = []): { venues: VenueListItem[]; more: boolean } {
      const related = [...new Set(areaIds.flatMap((id) => catalog.relatedAreas(id)))];
      const found = repository
        .list({ scope: actor.scope, words: searchWords(query), areaIds: related }, PICKER_SIZE + 1 + leaveOut.length, 0)
        .filter((venue) => !leaveOut.includes(venue.id))
        .map(withArea);
      return { venues: found.slice(0, PICKER_SIZE), more: found.length > PICKER_SIZE };
    },

    /** Every venue a report in these areas may be about, up to `limit` (kept on a phone for offline work), and whether there are more. */
    allInAreas(actor: Actor, areaIds: number[], limit: number): { venues: VenueListItem[]; more: boolean } {
      const related = [...new Set(areaIds.flatMap((id) => catalog.relatedAreas(id)))];
      const found = repository.list({ scope: actor.scope, words: [], areaIds: related }, limit + 1, 0).map(withArea);
      return { venues: found.slice(0, limit), more: found.length > limit };
    },

    /** A venue a report in these areas may be filed for by this person (in their scope and the areas), or undefined. */
    pickable(actor: Actor, areaIds: number[], venueId: number | undefined): VenueListItem | undefined {
      if (!venueId) return undefined;
      const venue = repository.findById(venueId, actor.scope);
      const related = new Set(areaIds.flatMap((id) => catalog.relatedAreas(id)));
      return venue && related.has(venue.areaId) ? withArea(venue) : undefined;
    },

    getVenue(actor: Actor, id: number): VenueListItem {
      return withArea(load(actor, id));
    },

    formValuesOf(venue: VenueRow): VenueFormValues {
      return {
        kind: venue.kind,
        name: venue.name,
        areaId: String(venue.areaId),
        address: venue.address,
        ownerName: venue.ownerName,
        phone: venue.phone,
        businessRegistrationNumber: venue.businessRegistrationNumber,
        licenceNumber: venue.licenceNumber,
        licenceExpiry: formatDate(venue.licenceExpiry),
        staffCount: venue.staffCount === null ? '' : String(venue.staffCount),
        status: venue.status,
        notes: venue.notes,
        version: String(venue.version),
        submissionKey: '',
        confirmDuplicate: '',
      };
    },

    /**
     * The venue a form with this one-time key already created, if any (a key used for another kind of form is
     * refused with 409). Asked before the form is read, so a repeated form answers as the first one did.
     */
    createdWith(actor: Actor, submissionKey: string): number | undefined {
      return submissionKeyPattern.test(submissionKey) ? submissions.find(submissionKey, actor.userId, 'venue') : undefined;
    },

    /** Creates a venue; a likely duplicate in the same area is refused with a link to it until the person confirms. */
    createVenue(actor: Actor, input: VenueInput, options: { submissionKey: string; confirmDuplicate: boolean }): VenueSaveResult {
      const key = submissionKeyPattern.test(options.submissionKey) ? options.submissionKey : null;
      const earlier = key ? submissions.find(key, actor.userId, 'venue') : undefined;
      if (earlier !== undefined) return { ok: true, id: earlier };
      const errors = areaErrors(actor, input);
      if (hasErrors(errors)) return { ok: false, errors };
      const write = toWrite(input);
      const duplicate = repository.findDuplicate(write.areaId, write.dedupeKey);
      if (duplicate && !options.confirmDuplicate) return { ok: false, errors: { name: [{ key: 'venues.duplicateField' }] }, duplicate };
      const id = inTransaction(db, () => {
        const again = key ? submissions.find(key, actor.userId, 'venue') : undefined;
        if (again !== undefined) return again;
        const venueId = repository.insert(write, nowIso(now()));
        audit.record(actor, { action: 'create', recordType: 'venue', recordId: venueId, changes: diff(null, snapshot(repository.findById(venueId, { all: true })!)), areaIds: [write.areaId] });
        if (key) submissions.remember(key, actor.userId, 'venue', venueId, nowIso(now()));
        return venueId;
      });
      return { ok: true, id };
    },

    /** Saves an edit; throws ConflictError when the venue changed since the form was loaded (its version). */
    updateVenue(actor: Actor, id: number, input: VenueInput, options: { expectedVersion: number; confirmDuplicate: boolean }): VenueSaveResult {
      const venue = load(actor, id);
      const errors = areaErrors(actor, input);
      if (hasErrors(errors)) return { ok: false, errors };
      if (options.expectedVersion !== venue.version) throw new ConflictError();
      const write = toWrite(input);
      const duplicate = repository.findDuplicate(write.areaId, write.dedupeKey, id);
      if (duplicate && !options.confirmDuplicate && write.dedupeKey !== venue.dedupeKey) {
        return { ok: false, errors: { name: [{ key: 'venues.duplicateField' }] }, duplicate };
      }
      inTransaction(db, () => {
        if (!repository.update(id, venue.version, write, nowIso(now()))) throw new ConflictError();
        const updated = repository.findById(id, { all: true })!;
        audit.record(actor, { action: 'update', recordType: 'venue', recordId: id, changes: diff(snapshot(venue), snapshot(updated)), areaIds: [venue.areaId, updated.areaId] });
      });
      return { ok: true, id };
    },

    /** Writes already-validated rows (an import) in one transaction, each audited. */
    insertMany(actor: Actor, inputs: VenueInput[]): number {
      return inTransaction(db, () => {
        const at = nowIso(now());
        const keys = repository.dedupeKeysIn([...new Set(inputs.map((input) => input.areaId))]);
        let written = 0;
        for (const input of inputs) {
          const write = toWrite(input);
          // Someone may have added the same venue since the preview: skip it rather than duplicate it.
          if (keys.has(`${write.areaId}|${write.dedupeKey}`)) continue;
          keys.add(`${write.areaId}|${write.dedupeKey}`);
          const venueId = repository.insert(write, at);
          audit.record(actor, { action: 'create', recordType: 'venue', recordId: venueId, changes: { name: [null, write.name], source: [null, 'import'] }, areaIds: [write.areaId] });
          written += 1;
        }
        return written;
      });
    },

    existingKeys(areaIds: number[]): Set<string> {
      return repository.dedupeKeysIn(areaIds);
    },

    /**
     * The venues a round's progress counts: in its areas (and those formed from or into them) that the person may
     * see, registered by the round's last day and not closed; and those already reported in it (`reportedIds`).
     */
    countForRound(actor: Actor, areaIds: number[], endDate: string, reportedIds: number[]): number {
      return repository.countInAreas(
        [...new Set(areaIds.flatMap((id) => catalog.relatedAreas(id)))].filter((id) => scopeIncludes(actor.scope, id)),
        endDate,
        reportedIds,
      );
    },

    /** What this person may do on a venue's page (the template shows only these). */
    abilities(actor: Actor): VenueAbilities {
      return venuesPolicy.abilities(actor);
    },

    findByIds(ids: number[]): VenueRow[] {
      return repository.findByIds(ids);
    },
  };
}

export type VenuesService = ReturnType<typeof venuesService>;

/** How many venues the report's venue picker lists at once. */
export const PICKER_SIZE = 15;
