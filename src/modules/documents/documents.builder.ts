import type { AdminDocument, DocumentBlock } from '../../lib/admin-document/index.js';
import { isSmallCount, SMALL_CELL } from '../../lib/small-cells.js';
import type { ResultDetailsInput } from './documents.schemas.js';

/**
 * One area's supervision results, as the supervision feature gives them for a round (`resultForRound`): what was
 * not met, the figures, the conclusions and the recommendations with their addressee and due date.
 */
/**
 * The supervision checklist's victim items (V…) counted in people leave the office as every export does: 1–4 as
 * "<5". Its times in days are not counts of people and stay as they are.
 */
function isVictimCount(figure: { code: string; unit: string }): boolean {
  return figure.code.startsWith('V') && figure.unit === 'người';
}

export interface SupervisionAreaResult {
  areaId: number;
  areaName: string;
  /** e.g. "UBND huyện Sông Mã" */
  authority: string;
  recordId: number;
  /** YYYY-MM-DD */
  visitDate: string;
  notMet: { code: string; text: string; note: string }[];
  figures: { code: string; label: string; value: number; unit: string }[];
  strengths: string;
  difficulties: string;
  recommendations: { text: string; addressee: string; dueDate: string; status: string }[];
}

/** A round's venue checks in one of its areas (approved reports only). */
export interface VenueCheckFigures {
  venuesChecked: number;
  reportsApproved: number;
  violations: number;
  /** Violations per checklist category code ('' = outside the checklist). */
  byCategory: Record<string, number>;
  critical: number;
  criticalReferred: number;
}

/** What the result document says, read from the records; labels already in Vietnamese. */
export interface RoundResultContent {
  round: {
    title: string;
    decisionNumber: string;
    startDate: string;
    endDate: string;
    /** The lead agency's name ('' when not recorded). */
    leadAgency: string;
    objectives: string;
    team: Array<{ fullName: string; agency: string; role: string }>;
  };
  /** The round's areas the reader may see, in order, with their venue checks. */
  areas: Array<{ areaId: number; areaName: string; checks: VenueCheckFigures }>;
  /** Checklist categories, to name the violations' groups. */
  categories: Array<{ code: string; vi: string }>;
  /** Supervision results per area; empty until supervision is recorded (the document then says nothing of it). */
  supervision: SupervisionAreaResult[];
  details: ResultDetailsInput;
}

const number = (value: number) => value.toLocaleString('vi-VN');
const date = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso);

/** "A;" for every item but the last, "B." for the last. */
function listed(items: string[]): DocumentBlock[] {
  return items.map((text, index) => ({ kind: 'dash', text: `${text.replace(/[;.,\s]+$/, '')}${index === items.length - 1 ? '.' : ';'}` }));
}

function paragraphs(text: string): DocumentBlock[] {
  return text
    .split(/\r?\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ kind: 'paragraph', text: line }));
}

function lowerFirst(text: string): string {
  return text ? text.charAt(0).toLocaleLowerCase('vi') + text.slice(1) : text;
}

/**
 * The round's result document (Báo cáo kết quả kiểm tra, giám sát): I. purpose and conduct; II. results per area
 * (supervision findings and figures, venue checks and violations); III. strengths and difficulties and IV.
 * recommendations when supervision gave any; the signature and "Nơi nhận" from the details; an appendix with
 * the venue checks per area. Nothing about a possible victim is read, so nothing can appear.
 */
export function buildRoundResultDocument(content: RoundResultContent): AdminDocument {
  const { round, details } = content;
  const supervisionByArea = new Map<number, SupervisionAreaResult[]>();
  for (const result of content.supervision) supervisionByArea.set(result.areaId, [...(supervisionByArea.get(result.areaId) ?? []), result]);
  // An area supervised but not among the round's areas still gets its section.
  const areas = [
    ...content.areas,
    ...[...supervisionByArea.values()]
      .map((results) => results[0]!)
      .filter((result) => !content.areas.some((area) => area.areaId === result.areaId))
      .map((result) => ({ areaId: result.areaId, areaName: result.areaName, checks: null })),
  ];
  const areaNames = areas.map((area) => lowerFirst(area.areaName)).join(', ');
  const categoryName = new Map(content.categories.map((category) => [category.code, category.code ? `${category.code}. ${category.vi}` : category.vi]));

  const body: DocumentBlock[] = [];
  body.push({ kind: 'heading', level: 1, text: 'Mục đích, yêu cầu và quá trình triển khai' });
  const period = `từ ngày ${date(round.startDate)} đến ngày ${date(round.endDate)}`;
  const lead = round.leadAgency ? ` do ${round.leadAgency} chủ trì` : '';
  const opening = round.decisionNumber.trim() ? `Thực hiện Quyết định số ${round.decisionNumber.trim()}, ${period}` : `${period.charAt(0).toLocaleUpperCase('vi')}${period.slice(1)}`;
  body.push({ kind: 'paragraph', text: `${opening}, Đoàn kiểm tra, giám sát${lead} đã tiến hành đợt “${round.title}” tại ${areaNames || 'các địa bàn được giao'}. Kết quả như sau:` });
  if (round.objectives.trim()) {
    body.push({ kind: 'heading', level: 2, text: 'Mục đích, yêu cầu' }, ...paragraphs(round.objectives));
  }
  if (round.team.length > 0) {
    body.push({ kind: 'heading', level: 2, text: 'Thành phần đoàn' }, ...listed(round.team.map((member) => [member.fullName, member.agency, member.role].filter(Boolean).join(', '))));
  }
  body.push(
    { kind: 'heading', level: 2, text: 'Thời gian, địa bàn' },
    ...listed([`Thời gian: ${period}`, `Địa bàn: ${areaNames || 'chưa ghi'}`, ...(round.leadAgency ? [`Cơ quan chủ trì: ${round.leadAgency}`] : [])]),
  );

  body.push({ kind: 'heading', level: 1, text: 'Kết quả kiểm tra, giám sát' });
  if (areas.length === 0) body.push({ kind: 'paragraph', text: 'Không có địa bàn nào trong phạm vi được xem.' });
  for (const area of areas) {
    body.push({ kind: 'heading', level: 2, text: area.areaName });
    for (const result of supervisionByArea.get(area.areaId) ?? []) {
      body.push({ kind: 'heading', level: 3, text: `Kết quả giám sát ${result.authority}` });
      body.push({ kind: 'paragraph', text: `Đoàn đã giám sát ${result.authority} ngày ${date(result.visitDate)}.` });
      if (result.notMet.length > 0) {
        body.push({ kind: 'paragraph', text: 'Các nội dung chưa đạt yêu cầu:' }, ...listed(result.notMet.map((item) => `${item.code ? `${item.code}. ` : ''}${item.text}${item.note.trim() ? `: ${item.note.trim()}` : ''}`)));
      } else {
        body.push({ kind: 'paragraph', text: 'Các nội dung được giám sát đều đạt yêu cầu.' });
      }
      if (result.figures.length > 0) {
        body.push({
          kind: 'table',
          columns: [
            { header: 'STT', width: 1, align: 'center' },
            { header: 'Nội dung', width: 7 },
            { header: 'Số liệu', width: 2, align: 'right' },
            { header: 'Đơn vị tính', width: 2, align: 'center' },
          ],
          rows: result.figures.map((figure, index) => [String(index + 1), figure.label, isVictimCount(figure) && isSmallCount(figure.value) ? SMALL_CELL : number(figure.value), figure.unit]),
        });
      }
    }
    const checks = area.checks;
    if (checks) {
      if (supervisionByArea.has(area.areaId)) body.push({ kind: 'heading', level: 3, text: 'Kết quả kiểm tra cơ sở kinh doanh dịch vụ' });
      if (checks.reportsApproved === 0) {
        body.push({ kind: 'paragraph', text: 'Chưa có biên bản kiểm tra cơ sở nào được duyệt tại địa bàn.' });
      } else {
        body.push(
          ...listed([
            `Số cơ sở được kiểm tra: ${number(checks.venuesChecked)}`,
            `Số biên bản kiểm tra đã được duyệt: ${number(checks.reportsApproved)}`,
            `Số vi phạm phát hiện: ${number(checks.violations)}`,
            `Dấu hiệu liên quan đến mua bán người: ${number(checks.critical)}, đã chuyển cơ quan chức năng: ${number(checks.criticalReferred)}`,
          ]),
        );
        const groups = Object.entries(checks.byCategory).filter(([, count]) => count > 0);
        if (groups.length > 0) {
          body.push({
            kind: 'table',
            columns: [
              { header: 'Nhóm nội dung kiểm tra', width: 8 },
              { header: 'Số vi phạm', width: 2, align: 'right' },
            ],
            rows: groups.map(([code, count]) => [categoryName.get(code) ?? code, number(count)]),
            total: ['Tổng cộng', number(checks.violations)],
          });
        }
      }
    }
  }

  const strengths = content.supervision.filter((result) => result.strengths.trim());
  const difficulties = content.supervision.filter((result) => result.difficulties.trim());
  if (strengths.length > 0 || difficulties.length > 0) {
    body.push({ kind: 'heading', level: 1, text: 'Ưu điểm, khó khăn, vướng mắc' });
    if (strengths.length > 0) body.push({ kind: 'heading', level: 2, text: 'Ưu điểm' }, ...listed(strengths.map((result) => `${result.areaName}: ${result.strengths.trim()}`)));
    if (difficulties.length > 0) body.push({ kind: 'heading', level: 2, text: 'Khó khăn, vướng mắc' }, ...listed(difficulties.map((result) => `${result.areaName}: ${result.difficulties.trim()}`)));
  }
  const recommendations = content.supervision.flatMap((result) => result.recommendations);
  if (recommendations.length > 0) {
    body.push({ kind: 'heading', level: 1, text: 'Kiến nghị' });
    recommendations.forEach((recommendation, index) => {
      const to = recommendation.addressee.trim() ? ` Đơn vị thực hiện: ${recommendation.addressee.trim()}` : '';
      const due = recommendation.dueDate ? `${to ? ';' : ''} thời hạn: ${date(recommendation.dueDate)}` : '';
      body.push({ kind: 'paragraph', text: `${index + 1}. ${recommendation.text.trim().replace(/[.;]+$/, '')}.${to}${due}${to || due ? '.' : ''}` });
    });
  }

  const checked = content.areas.filter((area) => area.checks.reportsApproved > 0);
  const appendixRows = content.areas.map((area, index) => [
    String(index + 1),
    area.areaName,
    number(area.checks.venuesChecked),
    number(area.checks.reportsApproved),
    number(area.checks.violations),
    number(area.checks.critical),
    number(area.checks.criticalReferred),
  ]);
  const sum = (pick: (checks: VenueCheckFigures) => number) => number(content.areas.reduce((total, area) => total + pick(area.checks), 0));

  return {
    parentBody: details.parentBody,
    issuingBody: details.issuingBody,
    number: details.number,
    symbol: details.symbol,
    place: details.place,
    date: details.documentDate,
    typeName: 'Báo cáo',
    summary: details.summary,
    addressees: details.addressees,
    legalBases: [],
    body,
    signature: { authority: details.authority, position: details.signerPosition, name: details.signerName },
    recipients: details.recipients,
    archive: details.archive,
    appendices:
      checked.length > 0
        ? [
            {
              title: 'Số liệu kiểm tra cơ sở theo địa bàn',
              body: [
                {
                  kind: 'table',
                  columns: [
                    { header: 'STT', width: 1.2, align: 'center' },
                    { header: 'Địa bàn', width: 5 },
                    { header: 'Cơ sở được kiểm tra', width: 2.4, align: 'right' },
                    { header: 'Biên bản đã duyệt', width: 2.4, align: 'right' },
                    { header: 'Vi phạm', width: 2, align: 'right' },
                    { header: 'Dấu hiệu mua bán người', width: 2.4, align: 'right' },
                    { header: 'Đã chuyển cơ quan chức năng', width: 2.6, align: 'right' },
                  ],
                  rows: appendixRows,
                  total: [
                    '',
                    'Tổng cộng',
                    sum((checks) => checks.venuesChecked),
                    sum((checks) => checks.reportsApproved),
                    sum((checks) => checks.violations),
                    sum((checks) => checks.critical),
                    sum((checks) => checks.criticalReferred),
                  ],
                },
              ],
            },
          ]
        : [],
  };
}
