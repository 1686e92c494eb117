import { describe, expect, it } from 'vitest';
import { renderAdminDocumentDocx, renderAdminDocumentPdf } from '../../../src/lib/admin-document/index.js';
import { buildRoundResultDocument, type RoundResultContent, type SupervisionAreaResult } from '../../../src/modules/documents/index.js';
import { docxParts, pageText, pdfPages, streamBytes } from '../../helpers/documents.js';

const noChecks = { venuesChecked: 0, reportsApproved: 0, violations: 0, byCategory: {}, critical: 0, criticalReferred: 0 };

/** Supervision results as the supervision feature will give them: two areas, three recommendations. */
const supervision: SupervisionAreaResult[] = [
  {
    areaId: 126,
    areaName: 'Huyện Sông Mã',
    authority: 'UBND huyện Sông Mã',
    recordId: 1,
    visitDate: '2025-03-11',
    notMet: [{ code: 'S3', text: 'Bố trí kinh phí cho công tác phòng, chống mua bán người', note: 'Chưa có dự toán riêng' }],
    figures: [{ code: 'F1', label: 'Số buổi tuyên truyền', value: 1250, unit: 'buổi' }],
    strengths: 'Ban Chỉ đạo huyện được kiện toàn kịp thời',
    difficulties: 'Địa bàn rộng, giáp biên giới',
    recommendations: [
      { text: 'Bố trí kinh phí riêng cho công tác phòng, chống mua bán người', addressee: 'UBND huyện Sông Mã', dueDate: '2025-06-30', status: 'open' },
      { text: 'Lập đường dây nóng tại các xã biên giới', addressee: 'Công an huyện Sông Mã', dueDate: '2025-09-30', status: 'in_progress' },
    ],
  },
  {
    areaId: 121,
    areaName: 'Huyện Bắc Yên',
    authority: 'UBND huyện Bắc Yên',
    recordId: 2,
    visitDate: '2025-03-12',
    notMet: [],
    figures: [],
    strengths: '',
    difficulties: 'Thiếu cán bộ chuyên trách',
    recommendations: [{ text: 'Bổ sung cán bộ chuyên trách', addressee: 'Sở Nội vụ', dueDate: '2025-12-31', status: 'open' }],
  },
];

function content(list: SupervisionAreaResult[]): RoundResultContent {
  return {
    round: { title: 'Giám sát công tác hỗ trợ nạn nhân', decisionNumber: '12/QĐ-BCĐ', startDate: '2025-03-10', endDate: '2025-03-14', leadAgency: 'Công an', objectives: 'Đánh giá khách quan tình hình.', team: [{ fullName: 'Nguyễn Văn An', agency: 'Công an', role: 'Trưởng đoàn' }] },
    areas: [
      { areaId: 121, areaName: 'Huyện Bắc Yên', checks: { ...noChecks, venuesChecked: 3, reportsApproved: 3, violations: 2, byCategory: { A: 2 }, critical: 0, criticalReferred: 0 } },
      { areaId: 126, areaName: 'Huyện Sông Mã', checks: noChecks },
    ],
    categories: [{ code: 'A', vi: 'Giấy phép, điều kiện kinh doanh' }, { code: '', vi: 'Ngoài bộ câu hỏi' }],
    supervision: list,
    details: { parentBody: '', issuingBody: 'ỦY BAN NHÂN DÂN TỈNH SƠN LA', number: 5, symbol: 'BC-UBND', place: 'Sơn La', documentDate: '2025-03-20', summary: 'Kết quả giám sát', addressees: [], authority: ['TM. ỦY BAN NHÂN DÂN'], signerPosition: 'CHỦ TỊCH', signerName: 'Lò Văn A', recipients: ['UBND huyện Sông Mã'], archive: 'VT' },
  };
}

const expected = [
  'II. KẾT QUẢ KIỂM TRA, GIÁM SÁT',
  '1. Huyện Bắc Yên',
  'a) Kết quả giám sát UBND huyện Bắc Yên',
  'Các nội dung được giám sát đều đạt yêu cầu.',
  'b) Kết quả kiểm tra cơ sở kinh doanh dịch vụ',
  '2. Huyện Sông Mã',
  'a) Kết quả giám sát UBND huyện Sông Mã',
  '- S3. Bố trí kinh phí cho công tác phòng, chống mua bán người: Chưa có dự toán riêng.',
  'Số buổi tuyên truyền',
  '1.250',
  'III. ƯU ĐIỂM, KHÓ KHĂN, VƯỚNG MẮC',
  '- Huyện Sông Mã: Ban Chỉ đạo huyện được kiện toàn kịp thời.',
  '- Huyện Bắc Yên: Thiếu cán bộ chuyên trách.',
  'IV. KIẾN NGHỊ',
  '1. Bố trí kinh phí riêng cho công tác phòng, chống mua bán người. Đơn vị thực hiện: UBND huyện Sông Mã; thời hạn: 30/06/2025.',
  '2. Lập đường dây nóng tại các xã biên giới. Đơn vị thực hiện: Công an huyện Sông Mã; thời hạn: 30/09/2025.',
  '3. Bổ sung cán bộ chuyên trách. Đơn vị thực hiện: Sở Nội vụ; thời hạn: 31/12/2025.',
];

describe('the round result document with supervision results', () => {
  it('writes each area\'s findings and figures, the conclusions and every recommendation in the PDF', async () => {
    const { pages } = await pdfPages(await streamBytes(await renderAdminDocumentPdf(buildRoundResultDocument(content(supervision)))));
    const text = pages.map(pageText).join(' ');
    expect(text).toContain('Kết quả giám sát');
    for (const line of expected) expect(text, line).toContain(line);
  });

  it('writes the same in the DOCX', async () => {
    const { text } = await docxParts(await renderAdminDocumentDocx(buildRoundResultDocument(content(supervision))));
    for (const line of expected) expect(text, line).toContain(line);
  });

  it('says nothing of supervision when there is none', () => {
    const document = buildRoundResultDocument(content([]));
    const text = JSON.stringify(document.body);
    expect(text).not.toContain('giám sát UBND');
    expect(text).not.toContain('Kiến nghị');
    expect(text).not.toContain('Ưu điểm');
    expect(text).toContain('Số cơ sở được kiểm tra: 3;');
    expect(document.appendices).toHaveLength(1);
  });
});
