import fs from 'node:fs';
import { z } from 'zod';
import type { AppDatabase } from '../../../db/client.js';
import { severities, type Severity } from '../../../db/schema/index.js';
import { inTransaction } from '../../../db/transaction.js';
import { nowIso } from '../../lib/dates.js';
import { ConflictError, NotFoundError, StateError } from '../../lib/errors.js';
import { addFieldError, formFlag, formList, formText, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { projectPath } from '../../lib/project-root.js';
import { vietnameseBasis } from '../../lib/legal-basis.js';
import { cleanText } from '../../lib/text.js';
import type { Actor } from '../../access/actor.js';
import { checklistsRepository, type TemplateRow } from './checklists.repository.js';
import type { AuditService } from '../audit/index.js';

export const VENUE_CHECKLIST = 'venue-inspection';
/** The supervision of an area's authority (People's Committee and its steering body), versioned the same way. */
export const SUPERVISION_CHECKLIST = 'area-supervision';
export const checklistCodes = [VENUE_CHECKLIST, SUPERVISION_CHECKLIST] as const;
export type ChecklistCode = (typeof checklistCodes)[number];

/** What an item's "applies to" may say, per checklist: a kind of venue, or a level of area. */
const appliesToChoices: Record<ChecklistCode, string[]> = { [VENUE_CHECKLIST]: ['all', 'karaoke'], [SUPERVISION_CHECKLIST]: ['all', 'commune'] };

/** The bundled first version of each checklist. */
const sourceFiles: Record<ChecklistCode, string> = { [VENUE_CHECKLIST]: 'db/reference/checklist-venue.json', [SUPERVISION_CHECKLIST]: 'db/reference/checklist-supervision.json' };

export function isChecklistCode(code: string): code is ChecklistCode {
  return (checklistCodes as readonly string[]).includes(code);
}
export { severities, type Severity };

const itemSchema = z.object({
  code: z.string(),
  category: z.string(),
  severity: z.enum(severities),
  applies_to: z.string(),
  vi: z.string(),
  en: z.string(),
  basis: z.string(),
  /**
   * Supervision items only (a venue item has neither, as before): false when the basis was not checked against the
   * legal text, and the figure the item asks the team to enter.
   */
  basisConfirmed: z.boolean().optional(),
  figure: z.object({ vi: z.string(), en: z.string(), unit: z.string() }).optional(),
});
const bodySchema = z.object({
  categories: z.array(z.object({ code: z.string(), vi: z.string(), en: z.string() })),
  items: z.array(itemSchema),
  /**
   * Set on every version written since each item's severity decides whether its violation is critical. A version
   * stored before that (without it) keeps the meaning it had: see `legacySeverity`.
   */
  severityFromItems: z.literal(true).optional(),
});

export type ChecklistItem = z.infer<typeof itemSchema>;
export type ChecklistBody = z.infer<typeof bodySchema>;

export interface Checklist extends Omit<TemplateRow, 'body'> {
  body: ChecklistBody;
}

/**
 * How a version stored before items carried "critical" reads an item: signs of trafficking (category G) and a
 * worker under 18 (E2) were critical whatever the item said.
 */
export function legacySeverity(item: Pick<ChecklistItem, 'code' | 'category' | 'severity'>): Severity {
  if (item.category === 'G' || item.code === 'E2') return 'critical';
  return item.severity;
}

/** Whether an item applies to a venue of this kind ("karaoke" items only to karaoke). */
export function itemApplies(item: ChecklistItem, venueKind: string): boolean {
  return item.applies_to === 'all' || item.applies_to === venueKind;
}

/** A stored version read with the meaning it was published with: in every version read, each item's severity is its own. */
function parse(row: TemplateRow): Checklist {
  const body = bodySchema.parse(JSON.parse(row.body));
  if (body.severityFromItems) return { ...row, body };
  return { ...row, body: { ...body, items: body.items.map((item) => ({ ...item, severity: legacySeverity(item) })), severityFromItems: true } };
}

export interface ChecklistDraftValues {
  titleVi: string;
  titleEn: string;
  revision: string;
  items: Array<{
    code: string;
    category: string;
    severity: string;
    appliesTo: string;
    vi: string;
    en: string;
    basis: string;
    remove: boolean;
    /** Supervision items: whether the basis was checked against the legal text, and the figure asked for (unit '' = none). */
    basisConfirmed?: boolean;
    figure?: { vi: string; en: string; unit: string };
  }>;
}

/** Publishing cannot be undone: `confirm` is "yes" once the person has confirmed it. */
export const publicationFormSchema = z.object({ confirm: formText });

/** Reads the draft editor's rows (parallel lists, one entry per item row). */
/** The draft editor's form as typed (item fields come once per row), whether to publish after saving, and whether publishing was confirmed. */
export const draftFormSchema = z
  .object({
    titleVi: formText,
    titleEn: formText,
    revision: formText,
    itemCode: formList,
    itemCategory: formList,
    itemSeverity: formList,
    itemAppliesTo: formList,
    itemVi: formList,
    itemEn: formList,
    itemBasis: formList,
    itemRemove: formList,
    /** Supervision checklists only: the codes whose basis was checked, and each row's figure (label and unit). */
    itemBasisConfirmed: formList,
    itemFigureVi: formList,
    itemFigureEn: formList,
    itemFigureUnit: formList,
    supervisionFields: formFlag,
    publish: formFlag,
    confirm: formText,
  })
  .transform((form): { draft: ChecklistDraftValues; publish: boolean; confirmed: boolean } => {
    const removed = new Set(form.itemRemove);
    const confirmed = new Set(form.itemBasisConfirmed);
    return {
      publish: form.publish,
      confirmed: form.confirm === 'yes',
      draft: {
        titleVi: form.titleVi,
        titleEn: form.titleEn,
        revision: form.revision,
        items: form.itemCode.map((code, index) => ({
          code,
          category: form.itemCategory[index] ?? '',
          severity: form.itemSeverity[index] ?? '',
          appliesTo: form.itemAppliesTo[index] ?? '',
          vi: form.itemVi[index] ?? '',
          en: form.itemEn[index] ?? '',
          basis: form.itemBasis[index] ?? '',
          remove: removed.has(code),
          ...(form.supervisionFields
            ? {
                basisConfirmed: confirmed.has(code),
                figure: { vi: form.itemFigureVi[index] ?? '', en: form.itemFigureEn[index] ?? '', unit: form.itemFigureUnit[index] ?? '' },
              }
            : {}),
        })),
      },
    };
  });

/**
 * Each published item's English text, by its code and Vietnamese text (what a finding keeps), so a finding's
 * title can be shown in English. Published versions never change, so what is remembered stays true.
 */
const englishItemTexts = new Map<string, string>();
const itemKey = (code: string, vi: string) => `${code}\u0000${vi}`;

function rememberItemTexts(checklist: Checklist): void {
  if (checklist.status !== 'published') return;
  for (const item of checklist.body.items) englishItemTexts.set(itemKey(item.code, item.vi), item.en);
}

/** The English text of a published checklist item, found by its code and Vietnamese text; undefined if none has it. */
export function englishItemText(code: string, vi: string): string | undefined {
  return englishItemTexts.get(itemKey(code, vi));
}

/** Parsed published versions, per database (a published version never changes). */
const publishedCaches = new WeakMap<AppDatabase, Map<number, Checklist>>();

export function checklistsService({ db, audit, now = () => new Date() }: { db: AppDatabase; audit: AuditService; now?: () => Date }) {
  if (!publishedCaches.has(db)) publishedCaches.set(db, new Map());
  const publishedCache = publishedCaches.get(db)!;
  const repository = checklistsRepository(db);

  return {
    /** The first version of each checklist comes from its bundled file (checklist-venue.json, checklist-supervision.json), once. */
    seed(): void {
      for (const code of checklistCodes) {
        if (repository.latestPublished(code)) {
          for (const row of repository.list(code)) rememberItemTexts(parse(row));
          continue;
        }
        const file = projectPath(sourceFiles[code]);
        const source = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          title_vi: string;
          title_en: string;
          categories: ChecklistBody['categories'];
          items: Array<ChecklistItem & { basis_confirmed?: boolean }>;
        };
        // The venue source notes unconfirmed bases in English; inspectors read them in Vietnamese. The supervision
        // source keeps whether each basis was checked, and says "Thực tiễn (practice)" where an item rests on practice.
        const items =
          code === VENUE_CHECKLIST
            ? source.items.map((item) => ({ ...item, basis: vietnameseBasis(item.basis) }))
            : source.items.map(({ basis_confirmed: basisConfirmed, ...item }) => ({ ...item, basis: item.basis.replace(/Thực tiễn \(practice\)/g, 'Thực tiễn'), basisConfirmed: basisConfirmed === true }));
        const body = bodySchema.parse({ categories: source.categories, items, severityFromItems: true });
        const at = nowIso(now());
        repository.insert({ code, version: 1, titleVi: source.title_vi, titleEn: source.title_en, status: 'published', body: JSON.stringify(body), createdAt: at, publishedAt: at });
        rememberItemTexts(this.latest(code));
      }
    },

    list(code: ChecklistCode = VENUE_CHECKLIST): TemplateRow[] {
      return repository.list(code);
    },

    get(id: number): Checklist {
      const cached = publishedCache.get(id);
      if (cached) return cached;
      const row = repository.findById(id);
      if (!row) throw new NotFoundError('checklist');
      const checklist = parse(row);
      if (checklist.status === 'published') {
        publishedCache.set(id, checklist);
        rememberItemTexts(checklist);
      }
      return checklist;
    },

    /** The latest published version of a checklist (the venue checklist unless another is named). */
    latest(code: ChecklistCode = VENUE_CHECKLIST): Checklist {
      const row = repository.latestPublished(code);
      if (!row) throw new Error('no published checklist');
      return parse(row);
    },

    /** A new version starts as an editable copy of the latest published one (or the draft already open). */
    startDraft(actor: Actor, code: ChecklistCode = VENUE_CHECKLIST): number {
      const existing = repository.draft(code);
      if (existing) return existing.id;
      const latest = repository.latestPublished(code)!;
      return inTransaction(db, () => {
        const version = repository.nextVersion(code);
        // The copy carries each item's severity as the version it copies reads it.
        const id = repository.insert({ code, version, titleVi: latest.titleVi, titleEn: latest.titleEn, status: 'draft', body: JSON.stringify(parse(latest).body), createdAt: nowIso(now()), publishedAt: null });
        audit.record(actor, { action: 'create', recordType: 'checklist', recordId: id, changes: { ...(code === VENUE_CHECKLIST ? {} : { checklist: [null, code] }), version: [null, version], copiedFrom: [null, latest.version] } });
        return id;
      });
    },

    saveDraft(actor: Actor, id: number, values: ChecklistDraftValues): FormResult<null> {
      const draft = this.get(id);
      if (draft.status !== 'draft') throw new StateError({ key: 'checklists.readOnly' });
      const errors: FieldErrors = {};
      const titleVi = cleanText(values.titleVi);
      const titleEn = cleanText(values.titleEn);
      if (!titleVi || titleVi.length > 300) addFieldError(errors, 'titleVi', 'errors.checklist.title');
      const categories = new Set(draft.body.categories.map((category) => category.code));
      const seen = new Set<string>();
      const items: ChecklistItem[] = [];
      // Errors are keyed by the item's place in the form (item_N), so each shows beside its own item.
      values.items.forEach((item, index) => {
        if (item.remove || !(item.code.trim() || item.vi.trim())) return;
        const field = `item_${index}`;
        const row = { row: index + 1 };
        const code = item.code.trim().toUpperCase();
        if (!/^[A-Z][0-9]{1,2}$/.test(code)) addFieldError(errors, field, 'errors.checklist.code', row);
        else if (seen.has(code)) addFieldError(errors, field, 'errors.checklist.duplicateCode', { ...row, code });
        seen.add(code);
        if (!categories.has(item.category)) addFieldError(errors, field, 'errors.checklist.category', row);
        if (!(severities as readonly string[]).includes(item.severity)) addFieldError(errors, field, 'errors.checklist.severity', row);
        if (!(appliesToChoices[draft.code as ChecklistCode] ?? appliesToChoices[VENUE_CHECKLIST]).includes(item.appliesTo)) addFieldError(errors, field, 'errors.checklist.appliesTo', row);
        const vi = cleanText(item.vi);
        if (!vi || vi.length > 500) addFieldError(errors, field, 'errors.checklist.label', row);
        const saved: ChecklistItem = { code, category: item.category, severity: item.severity as Severity, applies_to: item.appliesTo, vi, en: cleanText(item.en).slice(0, 500), basis: cleanText(item.basis).slice(0, 500) };
        // A supervision item keeps whether its basis was checked, and its figure when it has a label.
        if (item.basisConfirmed !== undefined) saved.basisConfirmed = item.basisConfirmed;
        const figureVi = cleanText(item.figure?.vi ?? '').slice(0, 300);
        if (item.figure && figureVi) saved.figure = { vi: figureVi, en: cleanText(item.figure.en).slice(0, 300), unit: cleanText(item.figure.unit).slice(0, 40) };
        items.push(saved);
      });
      if (items.length === 0) addFieldError(errors, 'items', 'errors.checklist.empty');
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const body: ChecklistBody = { categories: draft.body.categories, items: items.sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true })), severityFromItems: true };
      inTransaction(db, () => {
        if (!repository.updateDraft(id, Number(values.revision), { body: JSON.stringify(body), titleVi, titleEn: titleEn || titleVi })) throw new ConflictError();
        audit.record(actor, { action: 'update', recordType: 'checklist', recordId: id, changes: { items: [draft.body.items.length, items.length] } });
      });
      return { ok: true, value: null };
    },

    publish(actor: Actor, id: number): void {
      const draft = this.get(id);
      if (draft.status !== 'draft') throw new StateError({ key: 'checklists.readOnly' });
      inTransaction(db, () => {
        if (!repository.publish(id, nowIso(now()))) throw new ConflictError();
        audit.record(actor, { action: 'status', recordType: 'checklist', recordId: id, changes: { status: ['draft', 'published'], version: [null, draft.version] } });
      });
      rememberItemTexts({ ...draft, status: 'published' });
    },
  };
}

export type ChecklistsService = ReturnType<typeof checklistsService>;
