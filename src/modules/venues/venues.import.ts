import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Message } from '../../i18n/index.js';
import { zodFieldErrors } from '../../lib/forms.js';
import { searchKey } from '../../lib/text.js';
import { vocabulary } from '../../lib/vocabulary.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { venueInputSchema, type VenueInput } from './venues.schemas.js';
import type { VenuesService } from './venues.service.js';

/** The columns of an import file, in order, as the downloadable template names them. */
export const importColumns = [
  'loai_hinh',
  'ten_co_so',
  'dia_ban',
  'dia_chi',
  'chu_co_so',
  'dien_thoai',
  'so_dang_ky_kinh_doanh',
  'so_giay_phep',
  'han_giay_phep',
  'so_nhan_vien',
  'trang_thai',
  'ghi_chu',
] as const;

export const MAX_IMPORT_ROWS = 20_000;
/** The largest file read: 20,000 rows of a few hundred bytes each fit well within it. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
/** The longest cell read: as long as the longest field a venue has (its notes). */
export const MAX_CELL_CHARS = 2_000;
/** Text from the file shown back (in the preview and in messages) is cut to this many characters. */
const SHOWN_CHARS = 100;

/** A value typed in the file, cut short for showing back. */
function shown(value: string): string {
  return value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value;
}

/** A column by its name in the template, or by its number past the template's columns. */
function columnName(index: number): string {
  return importColumns[index] ?? String(index + 1);
}

/** A cell longer than MAX_CELL_CHARS: the whole file is refused, naming where. */
class CellTooLongError extends Error {
  constructor(readonly line: number, readonly column: string) {
    super('cell too long');
  }
}

export function importTemplateCsv(): string {
  const example = ['karaoke', 'Karaoke Hoa Mai', 'Huyện Bắc Yên', 'Tiểu khu 1, thị trấn Bắc Yên', 'Lò Văn A', '0912345678', '24A8001234', '15/GP-VHTTDL', '31/12/2026', '6', 'operating', ''];
  return `\uFEFF${importColumns.join(',')}\r\n${example.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')}\r\n`;
}

export interface ImportRow {
  line: number;
  outcome: 'new' | 'duplicate' | 'invalid';
  name: string;
  area: string;
  /** Why a row is invalid or a duplicate, with the column it is about. */
  reasons: Array<{ column?: string; message: Message }>;
}

export interface ImportPreview {
  token: string;
  rows: ImportRow[];
  counts: { new: number; duplicate: number; invalid: number };
}

interface StoredPreview {
  userId: number | null;
  createdAt: number;
  inputs: VenueInput[];
}

const PREVIEW_LIFETIME_MS = 60 * 60 * 1000;

/**
 * A quick pass over the file's bytes before the parser (which reads some 20,000 rows a second on a busy
 * machine): counts records (a line that is not blank; a line break inside quotes does not end one) and the
 * length of each cell, and stops at the first limit passed, so a huge file is refused in milliseconds. Cells are
 * measured roughly here (quotes aside, in characters), so the gate is twice the cell limit; the parser then
 * checks the exact length of what is left.
 */
function firstLimitPassed(bytes: Buffer, delimiter: string): { tooManyRows: true } | { longCell: { line: number; column: number } } | null {
  const separator = delimiter.charCodeAt(0);
  const roughCellLimit = MAX_CELL_CHARS * 2;
  let records = 0;
  let column = 0;
  let cellChars = 0;
  let quoted = false;
  let lineHasContent = false;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    if (byte === 0x22) {
      quoted = !quoted;
      lineHasContent = true;
    } else if (byte === 0x0a && !quoted) {
      if (lineHasContent && ++records > MAX_IMPORT_ROWS + 1) return { tooManyRows: true };
      column = 0;
      cellChars = 0;
      lineHasContent = false;
    } else if (byte === separator && !quoted) {
      column += 1;
      cellChars = 0;
      lineHasContent = true;
    } else if ((byte & 0xc0) !== 0x80 && byte !== 0x0d) {
      // One character per UTF-8 lead byte; spaces alone do not make a line count.
      if (++cellChars > roughCellLimit) return { longCell: { line: records + 1, column } };
      if (byte !== 0x20 && byte !== 0x09) lineHasContent = true;
    }
  }
  return lineHasContent && records + 1 > MAX_IMPORT_ROWS + 1 ? { tooManyRows: true } : null;
}

/** Excel writes CSV with commas or, in Vietnamese locales, semicolons: pick what the header uses. */
function delimiterOf(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
}

export function venueImporter({ service, catalog, dataDir }: { service: VenuesService; catalog: AreaCatalog; dataDir: string }) {
  const folder = path.join(dataDir, 'imports');
  const kinds = vocabulary('venue_kinds');
  const statusWords: Record<string, string> = { operating: 'operating', 'dang hoat dong': 'operating', 'hoat dong': 'operating', suspended: 'suspended', 'tam dung': 'suspended', 'tam ngung': 'suspended', closed: 'closed', 'da dong cua': 'closed', 'dong cua': 'closed', 'ngung hoat dong': 'closed' };
  const offered = [...catalog.districts, ...catalog.communes];

  /** A kind by its code or by any of the names in its label ("nhà nghỉ" is lodging, "Nhà hàng" a restaurant). */
  function kindOf(value: string): string | undefined {
    const key = searchKey(value);
    if (!key) return undefined;
    const names = (label: string) => [searchKey(label), ...label.split(',').map((part) => searchKey(part))];
    return kinds.find((kind) => kind.code === key || names(kind.vi).includes(key) || names(kind.en).includes(key))?.code;
  }

  /**
   * An area by code, by full name ("Huyện Bắc Yên") or by name without its type ("Bắc Yên"); a bare name that
   * fits several (Huyện Sông Mã and Xã Sông Mã) is ambiguous.
   */
  function areaOf(value: string): { id: number } | { ambiguous: string[] } | undefined {
    const key = searchKey(value);
    if (!key) return undefined;
    const exact = offered.find((area) => area.code === value.trim() || area.nameKey === key);
    if (exact) return { id: exact.id };
    const bare = offered.filter((area) => area.nameKey.replace(/^(huyen|thanh pho|thi xa|xa|phuong|thi tran|dac khu) /, '') === key);
    if (bare.length > 1) return { ambiguous: bare.map((area) => area.name) };
    return bare.length === 1 ? { id: bare[0]!.id } : undefined;
  }

  const columnOfField: Record<string, string> = {
    kind: 'loai_hinh', name: 'ten_co_so', areaId: 'dia_ban', address: 'dia_chi', ownerName: 'chu_co_so', phone: 'dien_thoai',
    businessRegistrationNumber: 'so_dang_ky_kinh_doanh', licenceNumber: 'so_giay_phep', licenceExpiry: 'han_giay_phep',
    staffCount: 'so_nhan_vien', status: 'trang_thai', notes: 'ghi_chu',
  };

  function sweep(): void {
    if (!fs.existsSync(folder)) return;
    for (const file of fs.readdirSync(folder)) {
      const full = path.join(folder, file);
      if (Date.now() - fs.statSync(full).mtimeMs > PREVIEW_LIFETIME_MS) fs.rmSync(full, { force: true });
    }
  }

  return {
    /** Reads a file and classifies every row; nothing is written to the venues until confirm(). */
    preview(actor: Actor, content: Buffer): { ok: true; preview: ImportPreview } | { ok: false; error: Message } {
      // Limits first, so a huge file is refused before it is parsed: its size, then, in one quick pass, its rows and cells.
      if (content.length > MAX_IMPORT_BYTES) return { ok: false, error: { key: 'import.tooLarge', params: { max: MAX_IMPORT_BYTES / (1024 * 1024), rows: MAX_IMPORT_ROWS } } };
      let text = content.toString('utf8');
      if (text.includes('\uFFFD')) return { ok: false, error: { key: 'import.notUtf8' } };
      text = text.replace(/^\uFEFF/, '');
      if (text.trim() === '') return { ok: false, error: { key: 'import.empty' } };
      const delimiter = delimiterOf(text);
      const passed = firstLimitPassed(content, delimiter);
      if (passed && 'tooManyRows' in passed) return { ok: false, error: { key: 'import.tooMany', params: { max: MAX_IMPORT_ROWS } } };
      if (passed) return { ok: false, error: { key: 'import.cellTooLong', params: { line: passed.longCell.line, column: columnName(passed.longCell.column), max: MAX_CELL_CHARS } } };
      let records: string[][];
      try {
        records = parse(text, {
          delimiter,
          relax_column_count: true,
          skip_empty_lines: true,
          trim: true,
          // The header, the rows allowed and one more to know there are too many: the parser stops there.
          to: MAX_IMPORT_ROWS + 2,
          on_record: (record: string[], info) => {
            const long = record.findIndex((cell) => cell.length > MAX_CELL_CHARS);
            if (long >= 0) throw new CellTooLongError(info.records, columnName(long));
            return record;
          },
        }) as string[][];
      } catch (error) {
        if (error instanceof CellTooLongError) return { ok: false, error: { key: 'import.cellTooLong', params: { line: error.line, column: error.column, max: MAX_CELL_CHARS } } };
        return { ok: false, error: { key: 'import.unreadable' } };
      }
      const [header, ...data] = records;
      if (!header || header.map((cell) => searchKey(cell)).slice(0, 3).join() !== importColumns.slice(0, 3).join()) {
        return { ok: false, error: { key: 'import.badHeader', params: { columns: importColumns.join(', ') } } };
      }
      if (data.every((cells) => cells.every((cell) => cell.trim() === ''))) return { ok: false, error: { key: 'import.empty' } };
      if (data.length > MAX_IMPORT_ROWS) return { ok: false, error: { key: 'import.tooMany', params: { max: MAX_IMPORT_ROWS } } };

      const known = service.existingKeys(offered.map((area) => area.id));
      const seenInFile = new Set<string>();
      const rows: ImportRow[] = [];
      const inputs: VenueInput[] = [];
      data.forEach((cells, index) => {
        // Excel writes a row of separators for a blank line: skip it, as a blank line.
        if (cells.every((cell) => cell.trim() === '')) return;
        const cell = (column: number) => cells[column] ?? '';
        const area = areaOf(cell(2));
        const areaId = area && 'id' in area ? area.id : undefined;
        const kind = kindOf(cell(0));
        const values = {
          kind: kind ?? cell(0),
          name: cell(1),
          areaId: areaId === undefined ? '' : String(areaId),
          address: cell(3),
          ownerName: cell(4),
          phone: cell(5),
          businessRegistrationNumber: cell(6),
          licenceNumber: cell(7),
          licenceExpiry: cell(8),
          staffCount: cell(9),
          status: cell(10) ? (statusWords[searchKey(cell(10))] ?? cell(10)) : 'operating',
          notes: cell(11),
        };
        const row: ImportRow = { line: index + 2, outcome: 'new', name: shown(cell(1)), area: shown(cell(2)), reasons: [] };
        const parsed = venueInputSchema.safeParse(values);
        if (!parsed.success) {
          for (const [field, messages] of Object.entries(zodFieldErrors(parsed.error))) {
            if (field === 'areaId') continue; // said below, with the name that was typed
            if (field === 'kind' && kind === undefined) {
              row.reasons.push({ column: 'loai_hinh', message: { key: 'import.unknownKind', params: { value: shown(cell(0)) || '—', kinds: kinds.map((entry) => entry.code).join(', ') } } });
              continue;
            }
            for (const message of messages) row.reasons.push({ column: columnOfField[field] ?? field, message });
          }
        }
        if (area && 'ambiguous' in area) row.reasons.push({ column: 'dia_ban', message: { key: 'import.ambiguousArea', params: { area: shown(cell(2)), options: area.ambiguous.join(', ') } } });
        else if (areaId === undefined) row.reasons.push({ column: 'dia_ban', message: { key: 'import.unknownArea', params: { area: shown(cell(2)) || '—' } } });
        else if (!scopeIncludes(actor.scope, areaId)) row.reasons.push({ column: 'dia_ban', message: { key: 'errors.areas.outOfScope', params: { area: catalog.byId.get(areaId)!.name } } });
        if (row.reasons.length > 0 || !parsed.success) {
          row.outcome = 'invalid';
        } else {
          const key = `${parsed.data.areaId}|${service.dedupeKey(parsed.data.name, parsed.data.address)}`;
          if (known.has(key)) {
            row.outcome = 'duplicate';
            row.reasons.push({ message: { key: 'import.duplicateExisting' } });
          } else if (seenInFile.has(key)) {
            row.outcome = 'duplicate';
            row.reasons.push({ message: { key: 'import.duplicateInFile' } });
          } else {
            seenInFile.add(key);
            inputs.push(parsed.data);
          }
        }
        rows.push(row);
      });

      sweep();
      fs.mkdirSync(folder, { recursive: true });
      const token = randomUUID();
      const stored: StoredPreview = { userId: actor.userId, createdAt: Date.now(), inputs };
      fs.writeFileSync(path.join(folder, `${token}.json`), JSON.stringify(stored));
      const counts = { new: inputs.length, duplicate: rows.filter((row) => row.outcome === 'duplicate').length, invalid: rows.filter((row) => row.outcome === 'invalid').length };
      return { ok: true, preview: { token, rows, counts } };
    },

    /** Writes the new rows of a preview in one transaction; false when the preview is unknown, expired or someone else's. */
    confirm(actor: Actor, token: string): number | null {
      if (!/^[0-9a-f-]{36}$/.test(token)) return null;
      const file = path.join(folder, `${token}.json`);
      if (!fs.existsSync(file)) return null;
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredPreview;
      if (stored.userId !== actor.userId || Date.now() - stored.createdAt > PREVIEW_LIFETIME_MS) return null;
      const written = service.insertMany(actor, stored.inputs.filter((input) => scopeIncludes(actor.scope, input.areaId)));
      fs.rmSync(file, { force: true });
      return written;
    },

    cancel(actor: Actor, token: string): void {
      if (!/^[0-9a-f-]{36}$/.test(token)) return;
      const file = path.join(folder, `${token}.json`);
      if (!fs.existsSync(file)) return;
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredPreview;
      if (stored.userId === actor.userId) fs.rmSync(file, { force: true });
    },
  };
}
