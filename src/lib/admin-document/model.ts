/**
 * A Vietnamese administrative document (văn bản hành chính) as data, laid out by Nghị định 30/2020/NĐ-CP,
 * Phụ lục I (see shared/data/admin-document-layout.md). The PDF and DOCX renderers draw the same model, so
 * what they say agrees; everything the layout fixes (the national title and motto, "Số:", the place and date
 * line, "Nơi nhận:", "- Lưu: …") is written by the renderers from these fields, never by the caller.
 */

/** One column of a table: its heading, its share of the text width, and how its cells align. */
export interface TableColumn {
  header: string;
  /** Relative width: the columns share the text width in proportion. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

/** A block of the body, in reading order. */
export type DocumentBlock =
  /**
   * A heading, numbered by the renderers: level 1 "I.", "II." (UPPER, bold), level 2 "1.", "2." (bold), level 3
   * "a)", "b)". Numbers restart under each heading of the level above.
   */
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  /** A paragraph: justified, its first line indented 1 cm. */
  | { kind: 'paragraph'; text: string; italic?: boolean }
  /** A "-" line (gạch đầu dòng); the renderers put the dash. */
  | { kind: 'dash'; text: string }
  /** A table with one header row (repeated on every page it runs over) and an optional bold total row. */
  | { kind: 'table'; columns: TableColumn[]; rows: string[][]; total?: string[] };

/** An appendix (phụ lục): on a new page, with its own page numbers. */
export interface DocumentAppendix {
  /** The title, written in upper case under "Phụ lục" (or "Phụ lục I", "II" … when there are several). */
  title: string;
  /** Defaults to "(Kèm theo <type> số <number> ngày <date> của <issuing body>)". */
  note?: string;
  body: DocumentBlock[];
}

export interface DocumentSignature {
  /**
   * The authority lines above the position, e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]; empty when the head
   * signs in their own name. Written in upper case.
   */
  authority: string[];
  /** E.g. "PHÓ CHỦ TỊCH"; written in upper case. */
  position: string;
  /** The signer's name, without titles; blank leaves the line for the signer. */
  name: string;
}

export interface AdminDocument {
  /** Tên cơ quan chủ quản; '' when there is none. */
  parentBody: string;
  /** Tên cơ quan ban hành. */
  issuingBody: string;
  /** The document's number; null leaves it blank for the clerk ("Số:      /BC-…"). */
  number: number | null;
  /** Ký hiệu, e.g. "BC-UBND". */
  symbol: string;
  /** Địa danh, e.g. "Sơn La". */
  place: string;
  /** YYYY-MM-DD. */
  date: string;
  /** Tên loại, e.g. "BÁO CÁO"; written in upper case. */
  typeName: string;
  /** Trích yếu: one line under the type name. */
  summary: string;
  /** "Kính gửi:" — the bodies the document is sent to (reports to a higher body); empty for none. */
  addressees: string[];
  /** Căn cứ: one per line, in italic, the renderers end each with ";" and the last with ".". */
  legalBases: string[];
  body: DocumentBlock[];
  signature: DocumentSignature;
  /** "Nơi nhận:" lines before the "Lưu" line, without their dash or end mark. */
  recipients: string[];
  /** What follows "- Lưu: ", e.g. "VT, PCMBN" (without the final "."). */
  archive: string;
  appendices?: DocumentAppendix[];
}

const LEVEL_WORDS = ['TỈNH', 'HUYỆN', 'XÃ', 'PHƯỜNG', 'THỊ', 'THÀNH', 'QUẬN'];

/**
 * A body's name in the heading, in upper case, on one line when it fits and otherwise broken before its place,
 * as clerks write it ("ỦY BAN NHÂN DÂN" / "TỈNH SƠN LA"). A part still too long wraps by itself.
 */
export function bodyNameLines(name: string, fits: (line: string) => boolean): string[] {
  const text = upper(name).replace(/\s+/g, ' ').trim();
  if (!text || fits(text)) return text ? [text] : [];
  const words = text.split(' ');
  // "XÃ HỘI" (society, as in "tệ nạn xã hội") is no commune.
  const at = words.findIndex((word, index) => index > 0 && LEVEL_WORDS.includes(word) && !(word === 'XÃ' && words[index + 1] === 'HỘI'));
  return at > 0 ? [words.slice(0, at).join(' '), words.slice(at).join(' ')] : [text];
}

/** Upper case as Vietnamese writes it (ư → Ư, đ → Đ), in NFC. */
export function upper(text: string): string {
  return text.normalize('NFC').toLocaleUpperCase('vi');
}

/** A number under 10 gets its leading 0 (Phụ lục I: "05", "12"). */
function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * "Số: 05/BC-UBND"; a blank number leaves room for the clerk to write it by hand ("Số:      /BC-UBND", with
 * no-break spaces so no renderer closes the gap).
 */
export function numberLine(document: Pick<AdminDocument, 'number' | 'symbol'>): string {
  const number = document.number === null ? '\u00a0'.repeat(6) : twoDigits(document.number);
  return `Số: ${number}/${document.symbol}`;
}

/** "Sơn La, ngày 05 tháng 01 năm 2026": a day under 10 and months 1 and 2 get a leading 0; other months do not. */
export function placeDateLine(document: Pick<AdminDocument, 'place' | 'date'>): string {
  const [year, month, day] = document.date.split('-').map(Number) as [number, number, number];
  const monthText = month <= 2 ? twoDigits(month) : String(month);
  return `${document.place}, ngày ${twoDigits(day)} tháng ${monthText} năm ${year}`;
}

/** A line of a list as typed, without a leading dash or a trailing ";", "." or ",". */
function bare(line: string): string {
  return line
    .normalize('NFC')
    .replace(/^\s*[-–•+]\s*/, '')
    .replace(/[\s;.,]+$/, '')
    .trim();
}

/** The "Nơi nhận:" list: "- X;" per recipient ("- Như trên;" first when there is a "Kính gửi:"), then "- Lưu: VT, ….". */
export function recipientLines(document: Pick<AdminDocument, 'recipients' | 'archive' | 'addressees'>): string[] {
  const recipients = document.recipients.map(bare).filter(Boolean);
  if (document.addressees.length > 0 && !recipients.some((line) => /^như trên$/i.test(line))) recipients.unshift('Như trên');
  const archive = bare(document.archive.replace(/^\s*lưu\s*:\s*/i, '')) || 'VT';
  return [...recipients.map((line) => `- ${line};`), `- Lưu: ${archive}.`];
}

/** "Kính gửi:" lines: one recipient on the same line ending "."; several, one per line "- X;" and the last ".". */
export function addresseeLines(addressees: string[]): { single: string | null; list: string[] } {
  const items = addressees.map(bare).filter(Boolean);
  if (items.length === 1) return { single: `Kính gửi: ${items[0]}.`, list: [] };
  return { single: null, list: items.map((item, index) => `- ${item}${index === items.length - 1 ? '.' : ';'}`) };
}

/** The legal bases in italic, each ending ";" and the last ".". */
export function legalBasisLines(bases: string[]): string[] {
  const items = bases.map(bare).filter(Boolean);
  return items.map((item, index) => `${item}${index === items.length - 1 ? '.' : ';'}`);
}

const ROMAN: Array<[number, string]> = [
  [1000, 'M'],
  [900, 'CM'],
  [500, 'D'],
  [400, 'CD'],
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];

export function roman(value: number): string {
  let rest = value;
  let text = '';
  for (const [amount, letters] of ROMAN) {
    while (rest >= amount) {
      text += letters;
      rest -= amount;
    }
  }
  return text;
}

/** Vietnamese letters for điểm: a, b, c, d, đ, e, … (Vietnamese lists put "đ" after "d"). */
const POINT_LETTERS = 'a b c d đ e g h i k l m n o p q r s t u v x y'.split(' ');

/** A heading's number as written: "I.", "1.", "a)". */
export type NumberedBlock = Exclude<DocumentBlock, { kind: 'heading' }> | { kind: 'heading'; level: 1 | 2 | 3; text: string; label: string };

/** The body's headings with their numbers: a level restarts under each heading of the level above. */
export function numberHeadings(blocks: DocumentBlock[]): NumberedBlock[] {
  const counters = [0, 0, 0];
  return blocks.map((block) => {
    if (block.kind !== 'heading') return block;
    const index = block.level - 1;
    counters[index] = (counters[index] ?? 0) + 1;
    for (let deeper = index + 1; deeper < counters.length; deeper += 1) counters[deeper] = 0;
    const count = counters[index]!;
    const label = block.level === 1 ? `${roman(count)}.` : block.level === 2 ? `${count}.` : `${POINT_LETTERS[(count - 1) % POINT_LETTERS.length]})`;
    return { ...block, text: block.level === 1 ? upper(block.text) : block.text, label };
  });
}

/** "Phụ lục" alone, or "Phụ lục I", "Phụ lục II" when there are several. */
export function appendixLabel(index: number, count: number): string {
  return count > 1 ? `Phụ lục ${roman(index + 1)}` : 'Phụ lục';
}

/** "(Kèm theo Báo cáo số 05/BC-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh Sơn La)". */
export function appendixNote(document: AdminDocument, appendix: DocumentAppendix): string {
  if (appendix.note) return appendix.note;
  const [year, month, day] = document.date.split('-');
  const type = document.typeName.normalize('NFC').toLocaleLowerCase('vi');
  const number = document.number === null ? `…/${document.symbol}` : `${twoDigits(document.number)}/${document.symbol}`;
  return `(Kèm theo ${type.charAt(0).toLocaleUpperCase('vi')}${type.slice(1)} số ${number} ngày ${day}/${month}/${year} của ${sentenceCase(document.issuingBody)})`;
}

/** "ỦY BAN NHÂN DÂN TỈNH SƠN LA" → "Ủy ban nhân dân tỉnh Sơn La": lower case, keeping the place name's capitals when it follows a level word. */
export function sentenceCase(body: string): string {
  const words = body.normalize('NFC').trim().split(/\s+/);
  const levelWords = new Set(['tỉnh', 'huyện', 'xã', 'phường', 'thị', 'thành', 'quận', 'trấn', 'phố']);
  let inName = false;
  return words
    .map((word, index) => {
      const lower = word.toLocaleLowerCase('vi');
      if (index === 0) return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
      if (levelWords.has(lower) && !inName) {
        // "thành phố", "thị xã", "thị trấn": the level word goes on until its last part.
        const next = words[index + 1]?.toLocaleLowerCase('vi');
        if (!(lower === 'thành' && next === 'phố') && !(lower === 'thị' && (next === 'xã' || next === 'trấn'))) inName = true;
        return lower;
      }
      if (inName) return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
      return lower;
    })
    .join(' ');
}

/**
 * The abbreviation of a body for a document's symbol, as clerks write it: "ỦY BAN NHÂN DÂN …" → "UBND",
 * "BAN CHỈ ĐẠO …" → "BCĐ", otherwise the initials of the words before the place ("CÔNG AN TỈNH SƠN LA" → "CA").
 * A suggestion: the person can change it.
 */
export function bodyAbbreviation(body: string): string {
  const text = upper(body).replace(/\s+/g, ' ').trim();
  const known: Array<[RegExp, string]> = [
    [/^ỦY BAN NHÂN DÂN|^UỶ BAN NHÂN DÂN|^UBND/, 'UBND'],
    [/^BAN CHỈ ĐẠO/, 'BCĐ'],
    [/^HỘI ĐỒNG NHÂN DÂN/, 'HĐND'],
    [/^HỘI LIÊN HIỆP PHỤ NỮ/, 'HLHPN'],
    [/^ĐOÀN KIỂM TRA/, 'ĐKT'],
  ];
  for (const [pattern, abbreviation] of known) if (pattern.test(text)) return abbreviation;
  const words = text.split(' ');
  const stop = words.findIndex((word) => LEVEL_WORDS.includes(word));
  const initials = (stop > 0 ? words.slice(0, stop) : words)
    .map((word) => word.charAt(0))
    .map((letter) => (letter === 'Đ' ? letter : letter.normalize('NFD').replace(/[\u0300-\u036f]/g, '')))
    .join('');
  return initials.slice(0, 10) || 'VP';
}
