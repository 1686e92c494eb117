import { describe, expect, it } from 'vitest';
import { formatCount, LIST_COUNT_CAP, pageWindow } from '../../src/lib/pagination.js';

describe('pages of a list', () => {
  it('clamps the page into range and gives the offset', () => {
    expect(pageWindow(3, 60)).toEqual({ page: 3, pageCount: 3, pageSize: 25, offset: 50, capped: false });
    expect(pageWindow(9, 60).page).toBe(3);
    expect(pageWindow(Number.NaN, 0)).toMatchObject({ page: 1, pageCount: 1, offset: 0 });
  });

  it('says when a count stopped at the cap, and shows it as "more than"', () => {
    expect(pageWindow(1, LIST_COUNT_CAP).capped).toBe(false);
    expect(pageWindow(1, LIST_COUNT_CAP + 1).capped).toBe(true);
    expect(formatCount(999, 'vi')).toBe('999');
    expect(formatCount(LIST_COUNT_CAP + 1, 'vi')).toBe('1.000+');
    expect(formatCount(LIST_COUNT_CAP + 1, 'en')).toBe('1,000+');
  });
});
