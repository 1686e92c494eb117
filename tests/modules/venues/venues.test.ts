import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { buildTestApp, htmxHeaders, type TestApp } from '../../helpers/app.js';
import { loginAs, type SignedInClient } from '../../helpers/auth.js';
import { commune, createVenue, district } from '../../helpers/factories.js';
import { html, textOf } from '../../helpers/html.js';

let test: TestApp;
let head: SignedInClient;
beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2026-03-02T02:00:00Z') });
  head = await loginAs(test.app, 'department_head');
});
afterAll(async () => {
  await test.close();
});

const venueCount = () => test.app.db.get<{ n: number }>(sql`select count(*) as n from venues`)!.n;

function venueFields(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'karaoke',
    name: 'Karaoke Hoa Mai',
    areaId: district(test.app, 'Bắc Yên').id,
    address: 'Tiểu khu 3, thị trấn Bắc Yên',
    ownerName: 'Lò Văn Mai',
    phone: '0912 345 678',
    businessRegistrationNumber: '24A8001234',
    licenceNumber: '15/GP',
    licenceExpiry: '31/12/2025',
    staffCount: '6',
    status: 'operating',
    notes: '',
    ...overrides,
  };
}

describe('venue registry', () => {
  it('creates a venue and finds it by words without diacritics, across name and area', async () => {
    const created = await head.post('/venues', venueFields());
    expect(created.statusCode).toBe(303);
    const page = html((await head.get('/venues?q=karaoke+hoa+mai+bac+yen')).body);
    expect(page('#venues-table tbody tr')).toHaveLength(1);
    expect(textOf(page, '#venues-table')).toContain('Karaoke Hoa Mai');
    expect(textOf(page, '#venues-table')).toContain('Huyện Bắc Yên');
    expect(textOf(page, '#venues-table')).toContain('Hết hạn 31/12/2025');
    const none = html((await head.get('/venues?q=hoa+mai+song+ma')).body);
    expect(none('#venues-table')).toHaveLength(0);
  });

  it('filters by area, kind, status and expired licence, in place for htmx', async () => {
    createVenue(test.app, { name: 'Nhà nghỉ Bình Minh', kind: 'lodging', areaId: String(district(test.app, 'Sông Mã').id), licenceExpiry: '2030-01-01' });
    createVenue(test.app, { name: 'Quán bia Suối Ngọt', kind: 'bar', status: 'suspended' });
    const byKind = html((await head.get('/venues?kind=lodging')).body);
    expect(textOf(byKind, '#venues-table')).toContain('Nhà nghỉ Bình Minh');
    expect(textOf(byKind, '#venues-table')).not.toContain('Karaoke Hoa Mai');
    const expired = html((await head.get('/venues?expired=1')).body);
    expect(textOf(expired, '#venues-table')).toContain('Karaoke Hoa Mai');
    expect(textOf(expired, '#venues-table')).not.toContain('Bình Minh');
    const suspended = html((await head.get('/venues?status=suspended')).body);
    expect(suspended('#venues-table tbody tr')).toHaveLength(1);
    const byArea = await head.get(`/venues?area=${district(test.app, 'Sông Mã').id}`, htmxHeaders('venues-results'));
    expect(byArea.body).not.toContain('<html');
    expect(html(byArea.body)('#venues-table tbody tr')).toHaveLength(1);
  });

  it('warns of a likely duplicate in the same area, links to it, and saves only when confirmed', async () => {
    const before = venueCount();
    const again = await head.post('/venues', venueFields({ name: 'KARAOKE  HOA MAI', address: 'tiểu khu 3, thị trấn Bắc Yên' }));
    expect(again.statusCode).toBe(422);
    const $ = html(again.body);
    expect(textOf($, '#duplicate-warning')).toContain('Có thể cơ sở này đã có');
    expect($('#duplicate-warning a').attr('href')).toMatch(/^\/venues\/\d+$/);
    expect($('#field-name').val()).toBe('KARAOKE  HOA MAI');
    expect(venueCount()).toBe(before);
    const elsewhere = await head.post('/venues', venueFields({ areaId: district(test.app, 'Mai Sơn').id }));
    expect(elsewhere.statusCode).toBe(303);
    const confirmed = await head.post('/venues', venueFields({ confirmDuplicate: '1' }));
    expect(confirmed.statusCode).toBe(303);
    expect(venueCount()).toBe(before + 2);
  });

  it.each([
    [{ name: '' }, 'name', 'Nhập tên cơ sở.'],
    [{ kind: 'casino' }, 'kind', 'Chọn loại hình.'],
    [{ areaId: '1' }, 'areaId', 'Chọn một địa bàn của tỉnh.'],
    [{ staffCount: '-3' }, 'staffCount', 'Nhập số nguyên không âm.'],
    [{ staffCount: 'mười' }, 'staffCount', 'Nhập số nguyên không âm.'],
    [{ licenceExpiry: '30/02/2026' }, 'licenceExpiry', 'Ngày không hợp lệ'],
    [{ phone: 'gọi tôi' }, 'phone', 'Số điện thoại không hợp lệ.'],
  ])('refuses %o with 422 beside the field and writes nothing', async (override, field, message) => {
    const before = venueCount();
    const response = await head.post('/venues', venueFields({ name: 'Cơ sở lỗi', ...override }));
    expect(response.statusCode).toBe(422);
    expect(textOf(html(response.body), `#field-${field}-error`)).toContain(message);
    expect(venueCount()).toBe(before);
  });

  it('keeps a district user to venues of their district', async () => {
    const songMaVenue = createVenue(test.app, { name: 'Karaoke Sông Mã', areaId: String(commune(test.app, 'Xã Sông Mã').id) });
    const bacYenUser = await loginAs(test.app, 'inspector', { areaId: district(test.app, 'Bắc Yên').id });
    expect((await bacYenUser.get(`/venues/${songMaVenue}`)).statusCode).toBe(404);
    expect(textOf(html((await bacYenUser.get('/venues')).body), '#venues-table')).not.toContain('Karaoke Sông Mã');
    const songMaUser = await loginAs(test.app, 'inspector', { areaId: district(test.app, 'Sông Mã').id });
    expect((await songMaUser.get(`/venues/${songMaVenue}`)).statusCode).toBe(200);
    const outside = await bacYenUser.post('/venues', venueFields({ name: 'Ngoài địa bàn', areaId: district(test.app, 'Sông Mã').id }));
    expect(textOf(html(outside.body), '#field-areaId-error')).toContain('nằm ngoài địa bàn');
  });

  it('edits a venue, answering 409 to a stale form', async () => {
    const id = createVenue(test.app, { name: 'Cà phê Phố Núi', kind: 'cafe' });
    const fields = venueFields({ name: 'Cà phê Phố Núi mới', kind: 'cafe', version: '1' });
    expect((await head.post(`/venues/${id}`, fields)).statusCode).toBe(303);
    const stale = await head.post(`/venues/${id}`, { ...fields, name: 'Tên khác' });
    expect(stale.statusCode).toBe(409);
    expect(html(stale.body)('#field-name').val()).toBe('Tên khác');
    expect(test.app.db.get<{ name: string }>(sql`select name from venues where id = ${id}`)!.name).toBe('Cà phê Phố Núi mới');
  });
});

describe('CSV import', () => {
  const header = 'loai_hinh,ten_co_so,dia_ban,dia_chi,chu_co_so,dien_thoai,so_dang_ky_kinh_doanh,so_giay_phep,han_giay_phep,so_nhan_vien,trang_thai,ghi_chu';

  async function preview(client: SignedInClient, text: string, filename = 'co-so.csv') {
    return client.upload('/venues/import', { filename, content: Buffer.from(text, 'utf8'), contentType: 'text/csv' });
  }

  it('offers a template with the expected columns', async () => {
    const response = await head.get('/venues/import/template.csv');
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(header);
  });

  it('previews new, duplicate and invalid rows, writes nothing when cancelled and only the valid rows when confirmed', async () => {
    const rows = [
      header,
      'karaoke,Karaoke Ánh Dương,Huyện Phù Yên,"Khối 5, thị trấn Quang Huy",,,,,,4,,',
      'Nhà hàng, quán ăn uống,Nhà hàng Suối Tát,Phù Yên,Bản Tát,,,,,,,,', // unquoted comma: invalid kind
      'karaoke,Karaoke Hoa Mai,Huyện Bắc Yên,"Tiểu khu 3, thị trấn Bắc Yên",,,,,,,,', // exists already
      'lodging,Nhà nghỉ Đỉnh Núi,122,Bản Mường Thải,,,,,,,đang hoạt động,',
      'lodging,Nhà nghỉ Đỉnh Núi,122,Bản Mường Thải,,,,,,,,', // same as the line above
      'cafe,Cà phê Gió,Huyện Không Có,Số 1,,,,,,,,',
      'bar,,Huyện Mai Sơn,Số 2,,,,,,,,',
    ];
    const text = `\uFEFF${rows.join('\r\n')}\r\n`;
    const before = venueCount();
    const response = await preview(head, text);
    expect(response.statusCode).toBe(200);
    const $ = html(response.body);
    const outcomes = $('#import-preview tbody tr').map((_, row) => $(row).attr('class')).get();
    expect(outcomes).toEqual(['import-new', 'import-invalid', 'import-duplicate', 'import-new', 'import-duplicate', 'import-invalid', 'import-invalid']);
    expect(textOf($, '#import-preview')).toContain('Không tìm thấy địa bàn “Huyện Không Có”');
    expect(venueCount()).toBe(before);

    const token = $('form[action^="/venues/import/"]').first().attr('action')!;
    await head.post(token, { cancel: '1' });
    expect(venueCount()).toBe(before);
    expect((await head.post(token)).statusCode).toBe(409);

    const second = html((await preview(head, text)).body);
    const confirm = await head.post(second('form[action^="/venues/import/"]').first().attr('action')!);
    expect(confirm.statusCode).toBe(303);
    expect(venueCount()).toBe(before + 2);
    const names = test.app.db.all<{ name: string }>(sql`select name from venues order by id desc limit 2`).map((row) => row.name).sort();
    expect(names).toEqual(['Karaoke Ánh Dương', 'Nhà nghỉ Đỉnh Núi']);
  });

  it('reads kinds by their Vietnamese names, names the column of each problem, skips blank lines and says how many were written', async () => {
    const rows = [
      header,
      'nhà nghỉ,Nhà nghỉ Bên Suối,Huyện Quỳnh Nhai,Bản Chiềng,,,,,,,,',
      'spa,Spa Thư Giãn,Huyện Quỳnh Nhai,Bản Chiềng,,,,,,,,',
      'karaoke,Karaoke Sông Mã,Sông Mã,Tiểu khu 1,,,,,,,,',
      'karaoke,Karaoke Đèn Mờ,Huyện Quỳnh Nhai,Bản Chiềng,,,,,31/02/2026,năm,,',
      ';;;;;;;;;;;'.replace(/;/g, ','),
    ];
    const $ = html((await preview(head, `${rows.join('\r\n')}\r\n`)).body);
    const outcomes = $('#import-preview tbody tr').map((_, row) => $(row).attr('class')).get();
    expect(outcomes).toEqual(['import-new', 'import-invalid', 'import-invalid', 'import-invalid']);
    const reasons = $('#import-preview tbody tr').map((_, row) => $(row).find('td').last().text().replace(/\s+/g, ' ').trim()).get();
    expect(reasons[1]).toContain('loai_hinh: Loại hình “spa” không có trong danh mục');
    expect(reasons[2]).toContain('dia_ban: “Sông Mã” trùng tên nhiều địa bàn');
    expect(reasons[3]).toContain('han_giay_phep:');
    expect(reasons[3]).toContain('so_nhan_vien:');
    const confirmed = await head.post($('form[action^="/venues/import/"]').first().attr('action')!);
    expect(confirmed.statusCode).toBe(303);
    expect(textOf(html((await head.get('/venues')).body), '.flash')).toBe('Đã ghi 1 cơ sở mới từ tệp.');
    expect(test.app.db.get<{ kind: string }>(sql`select kind from venues where name = 'Nhà nghỉ Bên Suối'`)!.kind).toBe('lodging');
  });

  it('reads semicolon-separated files as Excel writes them in Vietnamese locales', async () => {
    const text = `${header.replace(/,/g, ';')}\r\nmassage;Massage Hương Sen;Huyện Mai Sơn;Tiểu khu 4;;;;;;;;\r\n`;
    const $ = html((await preview(head, text)).body);
    expect($('#import-preview tbody tr').attr('class')).toBe('import-new');
  });

  it('refuses a file that is not a venue list, with a clear message', async () => {
    const wrong = await preview(head, 'a,b,c\r\n1,2,3\r\n');
    expect(wrong.statusCode).toBe(422);
    expect(textOf(html(wrong.body), '.form-alert')).toContain('Dòng đầu của tệp không đúng tên cột');
    const latin1 = await head.upload('/venues/import', { filename: 'x.csv', content: Buffer.from(`${header}\r\nkaraoke,S\xf4ng,Huy\xean,,,,,,,,,\r\n`, 'latin1') });
    expect(textOf(html(latin1.body), '.form-alert')).toContain('không phải UTF-8');
    const none = await head.upload('/venues/import', undefined);
    expect(none.statusCode).toBe(422);
  });

  it('previews 10,000 rows', async () => {
    const lines = [header];
    for (let index = 0; index < 10_000; index += 1) lines.push(`restaurant,Quán số ${index},Huyện Vân Hồ,Bản ${index},,,,,,,,`);
    const started = performance.now();
    const response = await preview(head, lines.join('\n'));
    expect(response.statusCode).toBe(200);
    expect(textOf(html(response.body), 'main > p').includes('10000 dòng mới')).toBe(true);
    console.log(`10,000-row preview: ${Math.round(performance.now() - started)} ms`);
  });
});
