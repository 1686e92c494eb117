import { describe, expect, it } from 'vitest';
import { bodyAbbreviation, bodyNameLines, numberLine, placeDateLine, recipientLines, renderAdminDocumentDocx, renderAdminDocumentPdf, sentenceCase, type AdminDocument } from '../../src/lib/admin-document/index.js';
import { docxParts, pageText, pdfPages, streamBytes } from '../helpers/documents.js';

const longTable = Array.from({ length: 70 }, (_, index) => [String(index + 1), `Xã thử số ${index + 1}`, String(index * 3)]);

function sample(overrides: Partial<AdminDocument> = {}): AdminDocument {
  return {
    parentBody: '',
    issuingBody: 'Ủy ban nhân dân tỉnh Sơn La',
    number: 5,
    symbol: 'BC-UBND',
    place: 'Sơn La',
    date: '2026-01-05',
    typeName: 'Báo cáo',
    summary: 'Kết quả kiểm tra, giám sát công tác phòng, chống mua bán người năm 2025',
    addressees: [],
    legalBases: ['Căn cứ Luật Phòng, chống mua bán người số 53/2024/QH15', 'Căn cứ Quyết định số 125/QĐ-BCĐ'],
    body: [
      { kind: 'heading', level: 1, text: 'Mục đích, yêu cầu' },
      { kind: 'paragraph', text: 'Đánh giá khách quan tình hình triển khai thực hiện công tác hỗ trợ nạn nhân.' },
      { kind: 'heading', level: 2, text: 'Huyện Sông Mã' },
      { kind: 'heading', level: 3, text: 'Kết quả giám sát' },
      { kind: 'dash', text: 'Số cơ sở được kiểm tra: 12;' },
      { kind: 'heading', level: 2, text: 'Huyện Bắc Yên' },
      { kind: 'heading', level: 1, text: 'Số liệu' },
      { kind: 'table', columns: [{ header: 'STT', width: 1 }, { header: 'Địa bàn thử', width: 5 }, { header: 'Số cơ sở', width: 2, align: 'right' }], rows: longTable, total: ['', 'Tổng cộng', '7.245'] },
      { kind: 'heading', level: 1, text: 'Kiến nghị' },
      { kind: 'paragraph', text: '1. Bố trí kinh phí cho Ban Chỉ đạo xã.' },
    ],
    signature: { authority: ['TM. Ủy ban nhân dân', 'KT. Chủ tịch'], position: 'Phó Chủ tịch', name: 'Nguyễn Văn An' },
    recipients: ['Ban Chỉ đạo 138 tỉnh;', '- UBND huyện Sông Mã'],
    archive: 'VT, PCMBN',
    ...overrides,
  };
}

describe('the administrative layout rules', () => {
  it('breaks a body\'s name before its place, never inside "xã hội"', () => {
    const fits = (line: string) => line.length <= 24;
    expect(bodyNameLines('Ủy ban nhân dân tỉnh Sơn La', fits)).toEqual(['ỦY BAN NHÂN DÂN', 'TỈNH SƠN LA']);
    expect(bodyNameLines('Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội', fits)).toEqual(['BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, TỆ NẠN XÃ HỘI']);
    expect(bodyNameLines('Ủy ban nhân dân xã Mường Lạn', fits)).toEqual(['ỦY BAN NHÂN DÂN', 'XÃ MƯỜNG LẠN']);
  });

  it('writes the number with its leading 0, or leaves it blank for the clerk', () => {
    expect(numberLine({ number: 5, symbol: 'BC-UBND' })).toBe('Số: 05/BC-UBND');
    expect(numberLine({ number: 123, symbol: 'BC-UBND' })).toBe('Số: 123/BC-UBND');
    expect(numberLine({ number: null, symbol: 'BC-UBND' })).toMatch(/^Số: \u00a0{6}\/BC-UBND$/);
  });

  it('writes the date with leading zeros for days under 10 and for January and February only', () => {
    expect(placeDateLine({ place: 'Sơn La', date: '2026-01-05' })).toBe('Sơn La, ngày 05 tháng 01 năm 2026');
    expect(placeDateLine({ place: 'Sơn La', date: '2026-02-28' })).toBe('Sơn La, ngày 28 tháng 02 năm 2026');
    expect(placeDateLine({ place: 'Sơn La', date: '2025-03-09' })).toBe('Sơn La, ngày 09 tháng 3 năm 2025');
    expect(placeDateLine({ place: 'Sơn La', date: '2025-12-31' })).toBe('Sơn La, ngày 31 tháng 12 năm 2025');
  });

  it('ends every recipient with ";", the "Lưu" line with ".", and opens with "Như trên" when there is a "Kính gửi"', () => {
    expect(recipientLines({ recipients: ['A;', '- B.'], archive: 'VT, PCMBN', addressees: [] })).toEqual(['- A;', '- B;', '- Lưu: VT, PCMBN.']);
    expect(recipientLines({ recipients: ['A'], archive: '', addressees: ['UBND tỉnh'] })).toEqual(['- Như trên;', '- A;', '- Lưu: VT.']);
  });

  it('suggests the body abbreviation clerks use and writes a body name in sentence case', () => {
    expect(bodyAbbreviation('ỦY BAN NHÂN DÂN TỈNH SƠN LA')).toBe('UBND');
    expect(bodyAbbreviation('Ban Chỉ đạo 138 tỉnh Sơn La')).toBe('BCĐ');
    expect(bodyAbbreviation('CÔNG AN TỈNH SƠN LA')).toBe('CA');
    expect(sentenceCase('ỦY BAN NHÂN DÂN TỈNH SƠN LA')).toBe('Ủy ban nhân dân tỉnh Sơn La');
  });
});

describe('the PDF', () => {
  it('reads back with the heading, number, place and date, headings, areas, recommendations and Nơi nhận', async () => {
    const { pages } = await pdfPages(await streamBytes(await renderAdminDocumentPdf(sample())));
    const first = pageText(pages[0]!);
    const all = pages.map(pageText).join(' ');
    expect(first).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(first).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(first).toContain('ỦY BAN NHÂN DÂN');
    expect(first).toContain('Số: 05/BC-UBND');
    expect(first).toContain('Sơn La, ngày 05 tháng 01 năm 2026');
    expect(first).toContain('BÁO CÁO');
    expect(first).toContain('Kết quả kiểm tra, giám sát công tác phòng, chống mua bán người năm 2025');
    expect(first).toContain('Căn cứ Luật Phòng, chống mua bán người số 53/2024/QH15;');
    expect(first).toContain('I. MỤC ĐÍCH, YÊU CẦU');
    expect(first).toContain('1. Huyện Sông Mã');
    expect(first).toContain('a) Kết quả giám sát');
    expect(first).toContain('2. Huyện Bắc Yên');
    expect(all).toContain('III. KIẾN NGHỊ');
    expect(all).toContain('1. Bố trí kinh phí cho Ban Chỉ đạo xã.');
    expect(all).toContain('Nơi nhận:');
    expect(all).toContain('- Ban Chỉ đạo 138 tỉnh;');
    expect(all).toContain('- UBND huyện Sông Mã;');
    expect(all).toContain('- Lưu: VT, PCMBN.');
    expect(all).toContain('TM. ỦY BAN NHÂN DÂN');
    expect(all).toContain('PHÓ CHỦ TỊCH');
    expect(all).toContain('Nguyễn Văn An');

    // "Nơi nhận:" sits on the authority line's level, left of it.
    const last = pages.at(-1)!;
    const recipientsTitle = last.find((item) => item.text.includes('Nơi nhận:'))!;
    const authority = last.find((item) => item.text.includes('TM. ỦY BAN NHÂN DÂN'))!;
    expect(Math.abs(recipientsTitle.y - authority.y)).toBeLessThan(3);
    expect(recipientsTitle.x).toBeLessThan(authority.x);
  });

  it('numbers pages from page 2 in the top margin and repeats a long table\'s header row on each page', async () => {
    const { pages, height } = await pdfPages(await streamBytes(await renderAdminDocumentPdf(sample())));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const topMargin = (20 * 72) / 25.4;
    const inTopMargin = (items: (typeof pages)[number]) => items.filter((item) => item.y > height - topMargin);
    expect(inTopMargin(pages[0]!)).toEqual([]);
    pages.slice(1).forEach((items, index) => expect(inTopMargin(items).map((item) => item.text)).toEqual([String(index + 2)]));
    const tablePages = pages.filter((items) => items.some((item) => /^Xã thử số \d+$/.test(item.text)));
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    for (const items of tablePages) expect(items.some((item) => item.text === 'Địa bàn thử')).toBe(true);
    expect(pages.map(pageText).join(' ')).toContain('Tổng cộng 7.245');
  });

  it('writes "Kính gửi" and the appendix on a page of its own, numbered separately', async () => {
    const { pages } = await pdfPages(
      await streamBytes(await renderAdminDocumentPdf(sample({ number: null, addressees: ['Ủy ban nhân dân tỉnh Sơn La'], appendices: [{ title: 'Số liệu theo địa bàn', body: [{ kind: 'paragraph', text: 'Phụ lục thử.' }] }] }))),
    );
    const first = pageText(pages[0]!);
    expect(first).toContain('Kính gửi: Ủy ban nhân dân tỉnh Sơn La.');
    expect(first).toMatch(/Số: \/BC-UBND/);
    const appendix = pageText(pages.at(-1)!);
    expect(appendix).toContain('Phụ lục');
    expect(appendix).toContain('SỐ LIỆU THEO ĐỊA BÀN');
    expect(appendix).toContain('(Kèm theo Báo cáo số …/BC-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh Sơn La)');
    // The appendix's first page carries no number.
    expect(pages.at(-1)!.some((item) => /^\d+$/.test(item.text))).toBe(false);
    const all = pages.map(pageText).join(' ');
    expect(all).toContain('- Như trên;');
  });
});

describe('the DOCX', () => {
  it('opens as a Word document in Times New Roman with the same text', async () => {
    const { text, paragraphs, xml } = await docxParts(await renderAdminDocumentDocx(sample({ addressees: ['Ủy ban nhân dân tỉnh Sơn La', 'Bộ Công an'] })));
    expect(xml['word/styles.xml']).toContain('Times New Roman');
    for (const line of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 05/BC-UBND',
      'Sơn La, ngày 05 tháng 01 năm 2026',
      'BÁO CÁO',
      'Kết quả kiểm tra, giám sát công tác phòng, chống mua bán người năm 2025',
      'Kính gửi:',
      '- Ủy ban nhân dân tỉnh Sơn La;',
      '- Bộ Công an.',
      'Căn cứ Quyết định số 125/QĐ-BCĐ.',
      'I. MỤC ĐÍCH, YÊU CẦU',
      '1. Huyện Sông Mã',
      'a) Kết quả giám sát',
      '2. Huyện Bắc Yên',
      'III. KIẾN NGHỊ',
      '1. Bố trí kinh phí cho Ban Chỉ đạo xã.',
      'Nơi nhận:',
      '- Như trên;',
      '- Lưu: VT, PCMBN.',
      'TM. ỦY BAN NHÂN DÂN',
      'KT. CHỦ TỊCH',
      'PHÓ CHỦ TỊCH',
      'Nguyễn Văn An',
    ]) {
      expect(paragraphs, line).toContain(line);
    }
    expect(text).toContain('Xã thử số 70');
  });

  it('is A4 with the decree\'s margins, numbers pages from page 2 and repeats the table header row', async () => {
    const { xml } = await docxParts(await renderAdminDocumentDocx(sample()));
    const body = xml['word/document.xml']!;
    expect(body).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(body).toMatch(/<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"/);
    expect(body).toContain('<w:titlePg');
    expect(body).toContain('<w:tblHeader');
    const headers = Object.entries(xml).filter(([name]) => /^word\/header\d+\.xml$/.test(name));
    const numbered = headers.filter(([, content]) => content.includes('PAGE'));
    expect(numbered.length).toBeGreaterThanOrEqual(1);
    expect(numbered[0]![1]).toContain('<w:jc w:val="center"/>');
  });
});
