import { describe, expect, it } from 'vitest';
import { readWholeNumber } from '../../src/lib/forms.js';

describe('readWholeNumber', () => {
  it('reads thousands grouped the Vietnamese or the English way, or with spaces', () => {
    for (const typed of ['1000', '1.000', '1,000', '1 000', ' 1.000 ', '1\u00a0000']) expect(readWholeNumber(typed), typed).toEqual({ ok: true, value: 1000 });
    expect(readWholeNumber('1.250.000')).toEqual({ ok: true, value: 1_250_000 });
    expect(readWholeNumber('7,500,000')).toEqual({ ok: true, value: 7_500_000 });
    expect(readWholeNumber('0')).toEqual({ ok: true, value: 0 });
  });

  it('refuses a decimal with its own message, since counts are whole ("1,5" is never guessed at)', () => {
    for (const typed of ['1,5', '1.5', '2,50', '1.000,5', '1,000.25']) expect(readWholeNumber(typed), typed).toEqual({ ok: false, key: 'errors.number.decimal' });
  });

  it('refuses anything else: mixed separators, bad grouping, signs, letters, nothing', () => {
    for (const typed of ['1.000,000', '10,00', '1.00.000', '-3', '3e4', 'mười', '', '1 000.000']) expect(readWholeNumber(typed).ok, typed).toBe(false);
  });
});
