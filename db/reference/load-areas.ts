import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type Database from 'better-sqlite3';
import { cleanText, searchKey } from '../../src/lib/text.js';
import { LAST_DAY_BEFORE_REFORM, REFORM_DATE } from '../../src/lib/dates.js';
import { projectPath } from '../../src/lib/project-root.js';

const folder = projectPath('db/reference/vn-admin');
export const AREAS_VERSION = 'vn-admin-2025-07-01';

/** "Huyện Bắc Yên (121)" → { name: "Huyện Bắc Yên", code: "121" } */
function nameWithCode(value: string): { name: string; code: string } | null {
  const match = /^(.*)\((\d+)\)\s*$/.exec(cleanText(value));
  if (!match) return null;
  return { name: fixUnitCase(cleanText(match[1] ?? '')), code: match[2] ?? '' };
}

/** The conversion table sometimes capitalises the unit type ("Thị Xã"); the other list writes "Thị xã". */
function fixUnitCase(name: string): string {
  return name.replace(/^(Thị|Thành|Đặc) (Xã|Trấn|Phố|Khu)\b/, (_all, first: string, second: string) => `${first} ${second.toLowerCase()}`);
}

function readCsv(file: string): string[][] {
  const text = fs.readFileSync(path.join(folder, file), 'utf8');
  return parse(text, { relax_column_count: true, bom: true, skip_empty_lines: true }) as string[][];
}

interface Unit {
  level: 'province' | 'district' | 'commune';
  code: string;
  name: string;
  parentKey: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/**
 * Builds every unit before and from 2025-07-01 and the old → new links from the two published lists.
 * Units before the reform are those that existed on 2025-06-30 (the conversion table's old side), with
 * districts and provinces from the January 2025 list; communes merged between January and June 2025
 * are left out, since no end date for them is published and work before the reform is recorded by district.
 */
export function readAdministrativeUnits() {
  const before = readCsv('units-before-2025-07-01.csv').slice(1);
  const conversion = readCsv('conversion-2025-07-01.csv').slice(2);

  const oldProvinces = new Map<string, string>();
  const oldDistricts = new Map<string, { name: string; provinceCode: string }>();
  for (const row of before) {
    const [provinceName = '', provinceCode = '', districtName = '', districtCode = ''] = row;
    if (!oldProvinces.has(provinceCode)) oldProvinces.set(provinceCode, cleanText(provinceName));
    if (districtCode && !oldDistricts.has(districtCode)) {
      oldDistricts.set(districtCode, { name: cleanText(districtName), provinceCode });
    }
  }

  const newProvinces = new Map<string, string>();
  const newCommunes = new Map<string, { name: string; provinceCode: string }>();
  const oldCommunes = new Map<string, { name: string; districtCode: string }>();
  const links: Array<{ oldKey: string; newCode: string; note: string }> = [];
  for (const row of conversion) {
    const [provinceCell = '', newName = '', newCode = '', oldName = '', oldCode = '', note = '', districtCell = ''] = row;
    if (!newCode.trim()) continue; // a province heading row
    const province = nameWithCode(provinceCell);
    const district = nameWithCode(districtCell);
    if (!province || !district) throw new Error(`Unreadable row in the conversion table: ${row.join(',')}`);
    if (!newProvinces.has(province.code)) newProvinces.set(province.code, province.name);
    const code = newCode.trim();
    if (!newCommunes.has(code)) newCommunes.set(code, { name: cleanText(newName), provinceCode: province.code });
    // The later name wins (Mộc Châu became a town in 2025).
    const known = oldDistricts.get(district.code);
    if (known && known.name !== district.name) known.name = district.name;
    if (oldCode.trim()) {
      const commune = oldCode.trim();
      if (!oldCommunes.has(commune)) oldCommunes.set(commune, { name: cleanText(oldName), districtCode: district.code });
      links.push({ oldKey: `commune:${commune}`, newCode: code, note: cleanText(note) });
    } else {
      // A whole district became a special zone, or an area without a commune code joined a commune.
      links.push({ oldKey: `district:${district.code}`, newCode: code, note: cleanText(note) });
    }
  }

  const units = new Map<string, Unit>();
  for (const [code, name] of oldProvinces) {
    const continues = newProvinces.get(code) === name;
    units.set(`province:${code}`, { level: 'province', code, name, parentKey: null, validFrom: null, validTo: continues ? null : LAST_DAY_BEFORE_REFORM });
  }
  for (const [code, name] of newProvinces) {
    if (oldProvinces.get(code) === name) continue; // the same unit before and after
    units.set(`new-province:${code}`, { level: 'province', code, name, parentKey: null, validFrom: REFORM_DATE, validTo: null });
  }
  const newProvinceKey = (code: string) => (units.has(`new-province:${code}`) ? `new-province:${code}` : `province:${code}`);
  for (const [code, district] of oldDistricts) {
    units.set(`district:${code}`, { level: 'district', code, name: district.name, parentKey: `province:${district.provinceCode}`, validFrom: null, validTo: LAST_DAY_BEFORE_REFORM });
  }
  for (const [code, commune] of oldCommunes) {
    units.set(`commune:${code}`, { level: 'commune', code, name: commune.name, parentKey: `district:${commune.districtCode}`, validFrom: null, validTo: LAST_DAY_BEFORE_REFORM });
  }
  for (const [code, commune] of newCommunes) {
    units.set(`new-commune:${code}`, { level: 'commune', code, name: commune.name, parentKey: newProvinceKey(commune.provinceCode), validFrom: REFORM_DATE, validTo: null });
  }
  return { units, links: links.map((link) => ({ oldKey: link.oldKey, newKey: `new-commune:${link.newCode}`, note: link.note })) };
}

/** Loads the whole country's units and links in one transaction. Returns how many units were written. */
export function loadAdministrativeUnits(sqlite: Database.Database): number {
  const { units, links } = readAdministrativeUnits();
  const insertArea = sqlite.prepare(
    'INSERT INTO areas (level, code, name, name_key, parent_id, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertLink = sqlite.prepare('INSERT OR IGNORE INTO area_links (old_area_id, new_area_id, note) VALUES (?, ?, ?)');
  const ids = new Map<string, number>();
  const write = sqlite.transaction(() => {
    // Parents are inserted before children because the map keeps insertion order by level.
    for (const [key, unit] of units) {
      const parentId = unit.parentKey ? ids.get(unit.parentKey) : null;
      if (unit.parentKey && parentId === undefined) throw new Error(`Unit ${key} has an unknown parent ${unit.parentKey}`);
      const result = insertArea.run(unit.level, unit.code, unit.name, searchKey(unit.name), parentId ?? null, unit.validFrom, unit.validTo);
      ids.set(key, Number(result.lastInsertRowid));
    }
    for (const link of links) {
      const oldId = ids.get(link.oldKey);
      const newId = ids.get(link.newKey);
      if (oldId === undefined || newId === undefined) throw new Error(`Link to an unknown unit: ${link.oldKey} → ${link.newKey}`);
      insertLink.run(oldId, newId, link.note);
    }
  });
  write();
  return units.size;
}
