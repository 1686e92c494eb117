/**
 * The checklist's legal bases are stored in Vietnamese (the bundled source notes a few in English prose, turned
 * into Vietnamese when it is loaded); English readers get them with the legal terms in English. Document numbers
 * (54/2019/NĐ-CP) are official identifiers and stay as they are.
 */
export type BasisLanguage = 'vi' | 'en';

const sourceProse: Array<[RegExp, string]> = [
  [/^Practice in provincial inspection plans$/, 'Thực tiễn kế hoạch kiểm tra của tỉnh (chưa đối chiếu văn bản)'],
  [/^Practice in the source documents$/, 'Thực tiễn trong tài liệu nguồn (chưa đối chiếu văn bản)'],
  [/^Trafficking indicator$/, 'Dấu hiệu nhận biết mua bán người'],
  [/^Practice; /, 'Thực tiễn; '],
  [/^Practice$/, 'Thực tiễn (chưa đối chiếu văn bản)'],
];

/** The bundled source's English prose in Vietnamese, as inspectors read it. */
export function vietnameseBasis(basis: string): string {
  for (const [pattern, replacement] of sourceProse) if (pattern.test(basis)) return basis.replace(pattern, replacement);
  return basis;
}

/** A Vietnamese phrase as a whole word (not inside another word). */
const phrase = (words: string) => new RegExp(`(?<!\\p{L})${words}(?!\\p{L})`, 'gu');

// Longest first, so "Bộ luật Lao động" is read before "Luật".
const englishTerms: Array<[RegExp, string]> = [
  [phrase('Thực tiễn kế hoạch kiểm tra của tỉnh'), 'Practice in provincial inspection plans'],
  [phrase('Thực tiễn trong tài liệu nguồn'), 'Practice in the source documents'],
  [phrase('chưa đối chiếu văn bản'), 'not checked against a legal text'],
  [phrase('Dấu hiệu nhận biết mua bán người'), 'Trafficking indicator'],
  [phrase('Thực tiễn'), 'Practice'],
  [phrase('Luật PCCC và CNCH'), 'Law on Fire Prevention, Fighting and Rescue'],
  [phrase('Bộ luật Lao động'), 'Labour Code'],
  [phrase('Bộ luật Hình sự'), 'Criminal Code'],
  [phrase('Luật Cư trú'), 'Law on Residence'],
  [phrase('Luật Phòng, chống mua bán người'), 'Law on Prevention and Combat of Human Trafficking'],
  [phrase('Nghị định'), 'Decree'],
  [phrase('Thông tư'), 'Circular'],
  [phrase('Quyết định'), 'Decision'],
  [phrase('Luật'), 'Law'],
  [phrase('Điều'), 'Article'],
  [phrase('khoản'), 'clause'],
  [phrase('điểm'), 'point'],
];

/** A stored legal basis in the reader's language; words it does not know stay as written. */
export function basisInLanguage(basis: string, lang: BasisLanguage): string {
  if (lang === 'vi' || basis === '') return basis;
  return englishTerms.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), basis);
}
