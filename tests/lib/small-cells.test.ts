import { describe, expect, it } from 'vitest';
import { suppressCell, suppressColumn } from '../../src/lib/small-cells.js';

describe('small-cell suppression', () => {
  it('shows 1 to 4 as <5, and 0 and 5 or more as they are', () => {
    expect([0, 1, 2, 3, 4, 5, 35].map(suppressCell)).toEqual([0, '<5', '<5', '<5', '<5', 5, 35]);
  });

  it('keeps an exact total when no cell is hidden', () => {
    expect(suppressColumn([0, 5, 12], 17)).toEqual({ cells: [0, 5, 12], total: 17 });
  });

  it('shows a total over a hidden cell only as the least it could be from the shown cells, so subtraction gives nothing away', () => {
    expect(suppressColumn([3, 10, 20], 33)).toEqual({ cells: ['<5', 10, 20], total: '≥31' });
    // The same shown column whatever the hidden value: 1, 2, 3 or 4 all give the same cells and total.
    for (const hidden of [1, 2, 3, 4]) expect(suppressColumn([hidden, 10, 20], hidden + 30)).toEqual({ cells: ['<5', 10, 20], total: '≥31' });
    for (const [a, b] of [[1, 4], [2, 3], [4, 4]]) expect(suppressColumn([a!, b!, 9], a! + b! + 9)).toEqual({ cells: ['<5', '<5', 9], total: '≥11' });
  });

  it('hides a total of 1 to 4 itself', () => {
    expect(suppressColumn([0, 2, 0], 2)).toEqual({ cells: [0, '<5', 0], total: '<5' });
  });
});
