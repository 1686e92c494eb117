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
