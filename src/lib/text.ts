/** Trims, collapses inner whitespace and composes Vietnamese text to NFC, so the same name is stored one way. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * The key used for search: no diacritics, đ → d, lower case, single spaces.
 * "Sông Mã" and "song  ma" give the same key.
 */
export function searchKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits a search box entry into words for an AND match; LIKE wildcards are escaped by the caller. */
export function searchWords(query: string): string[] {
  return searchKey(query).split(' ').filter((word) => word.length > 0).slice(0, 8);
}

/** Escapes %, _ and \ for a LIKE pattern used with ESCAPE '\'. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
