import { describe, expect, it } from 'vitest';
import { cleanText, searchKey, searchWords } from '../../src/lib/text.js';

describe('searchKey', () => {
  it('ignores Vietnamese diacritics and case', () => {
    expect(searchKey('Sông Mã')).toBe('song ma');
    expect(searchKey('ĐỢT KIỂM TRA Bắc Yên')).toBe('dot kiem tra bac yen');
    expect(searchKey('Quỳnh  Nhai')).toBe('quynh nhai');
  });

  it('gives the same key for composed and decomposed input', () => {
    expect(searchKey('Mường La'.normalize('NFD'))).toBe(searchKey('Mường La'.normalize('NFC')));
  });

  it('splits a query into words', () => {
    expect(searchWords('  song   MA ')).toEqual(['song', 'ma']);
  });
});

describe('cleanText', () => {
  it('trims and collapses whitespace and composes to NFC', () => {
    expect(cleanText('  Phường Chánh Phú Hòa\n')).toBe('Phường Chánh Phú Hòa');
    expect(cleanText('Sơn La'.normalize('NFD'))).toBe('Sơn La'.normalize('NFC'));
  });
});

import { formatVnd, parseWholeNumber } from '../../src/lib/money.js';

describe('whole numbers and VND', () => {
  it('reads digits and thousands grouped with dots or spaces, and nothing else', () => {
    expect(parseWholeNumber('15000000')).toBe(15_000_000);
    expect(parseWholeNumber('15.000.000')).toBe(15_000_000);
    expect(parseWholeNumber('15 000 000')).toBe(15_000_000);
    for (const bad of ['12.5', '1.2345', '-3', '3e4', 'mười', '', '1,5']) expect(parseWholeNumber(bad), bad).toBeNull();
  });

  it('shows VND as each language writes it', () => {
    expect(formatVnd(15_000_000, 'vi')).toBe('15.000.000 đ');
    expect(formatVnd(15_000_000, 'en')).toBe('15,000,000 VND');
  });
});
