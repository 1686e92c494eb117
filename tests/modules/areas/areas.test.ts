import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildAreaCatalog } from '../../../src/areas/index.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';

let test: TestApp;
beforeAll(async () => {
  test = await buildTestApp();
});
afterAll(async () => {
  await test.close();
});

function count(query: ReturnType<typeof sql>): number {
  return (test.app.db.get<{ n: number }>(query) as { n: number }).n;
}

describe('administrative units', () => {
  it('loads the whole country: 63 provinces before the reform and 34 from it', () => {
    expect(count(sql`select count(*) as n from areas where level = 'province' and (valid_to is not null or valid_from is null)`)).toBe(63);
    expect(count(sql`select count(*) as n from areas where level = 'province' and valid_to is null`)).toBe(34);
    expect(count(sql`select count(*) as n from areas where level = 'commune' and valid_from = '2025-07-01'`)).toBeGreaterThan(3300);
  });

  it("offers Sơn La's 12 districts and 200 communes before 1 July 2025 and 75 communes after", () => {
    const catalog = test.app.catalog;
    expect(catalog.province.name).toBe('Tỉnh Sơn La');
    expect(catalog.districts).toHaveLength(12);
    expect(catalog.communes).toHaveLength(75);
    const oldCommunes = count(sql`
      select count(*) as n from areas c join areas d on d.id = c.parent_id
      where c.level = 'commune' and c.valid_to = '2025-06-30' and d.parent_id = ${catalog.province.id}`);
    expect(oldCommunes).toBe(200);
    expect(catalog.districts.map((area) => area.name)).toContain('Huyện Sông Mã');
    expect(catalog.districts.find((area) => area.code === '123')?.name).toBe('Thị xã Mộc Châu');
    expect(catalog.districts.every((area) => area.validTo === '2025-06-30')).toBe(true);
    expect(catalog.communes.every((area) => area.validFrom === '2025-07-01' && area.validTo === null)).toBe(true);
  });

  it('keeps a reused code apart: 03646 was Phường Chiềng Lề and is now Phường Tô Hiệu', () => {
    const rows = test.app.db.all<{ name: string; valid_from: string | null; valid_to: string | null }>(
      sql`select name, valid_from, valid_to from areas where level = 'commune' and code = '03646' order by coalesce(valid_from, '')`,
    );
    expect(rows).toEqual([
      { name: 'Phường Chiềng Lề', valid_from: null, valid_to: '2025-06-30' },
      { name: 'Phường Tô Hiệu', valid_from: '2025-07-01', valid_to: null },
    ]);
  });

  it('rolls a new commune up to the old district it came from', () => {
    const catalog = test.app.catalog;
    const toHieu = catalog.communes.find((area) => area.name === 'Phường Tô Hiệu')!;
    const cityDistricts = catalog.districtsOfCommune(toHieu.id).map((id) => catalog.byId.get(id)?.name);
    expect(cityDistricts).toEqual(['Thành phố Sơn La']);
    const songMa = catalog.districts.find((area) => area.name === 'Huyện Sông Mã')!;
    const family = catalog.districtFamily(songMa.id);
    expect(family[0]).toBe(songMa.id);
    expect(family.length).toBeGreaterThan(1);
    expect(family.slice(1).every((id) => catalog.byId.get(id)?.level === 'commune')).toBe(true);
  });

  it('serves Tây Ninh (80) from its two old provinces, Tây Ninh (72) and Long An (80)', () => {
    const catalog = buildAreaCatalog(test.app.db, '80');
    expect(catalog.province.name).toBe('Tỉnh Tây Ninh');
    const oldProvinces = new Set(catalog.districts.map((district) => catalog.byId.get(district.id)!.parentId!));
    const names = test.app.db
      .all<{ name: string; code: string }>(sql`select name, code from areas where id in (${sql.join([...oldProvinces], sql`, `)}) order by code`)
      .map((row) => `${row.name} (${row.code})`);
    expect(names).toEqual(['Tỉnh Tây Ninh (72)', 'Tỉnh Long An (80)']);
  });

  it('refuses a province code that does not exist from 1 July 2025', () => {
    expect(() => buildAreaCatalog(test.app.db, '72')).toThrow(/PROVINCE_CODE 72/);
  });

  it('loads the units only once, however often the app starts', async () => {
    const before = count(sql`select count(*) as n from areas`);
    const second = await buildTestApp({ env: { DATA_DIR: test.config.DATA_DIR } });
    expect(count(sql`select count(*) as n from areas`)).toBe(before);
    await second.app.close();
  });
});

describe('roll-up to districts', () => {
  it('gives every new commune exactly one district, so district figures partition the province', () => {
    const catalog = test.app.catalog;
    for (const commune of catalog.communes) expect(catalog.primaryDistrictOf(commune.id), commune.name).toBeDefined();
    const covered = catalog.districts.flatMap((district) => catalog.filterIds(district.id).slice(1));
    expect(covered.sort()).toEqual(catalog.communes.map((commune) => commune.id).sort());
  });

  it('sends the commune formed from parts of Vân Hồ and Mộc Châu to one of them only', () => {
    const catalog = test.app.catalog;
    const split = catalog.communes.find((commune) => catalog.districtsOfCommune(commune.id).length > 1)!;
    expect(catalog.districtsOfCommune(split.id).map((id) => catalog.byId.get(id)!.name).sort()).toEqual(['Huyện Vân Hồ', 'Thị xã Mộc Châu']);
    const owners = catalog.districts.filter((district) => catalog.filterIds(district.id).includes(split.id));
    expect(owners).toHaveLength(1);
  });
});
