import { describe, expect, it } from 'vitest';
import { formatDate, formatMoment, parseDateInput, todayInVietnam } from '../../src/lib/dates.js';

describe('parseDateInput', () => {
  it('reads dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy and YYYY-MM-DD as the same day', () => {
    for (const typed of ['15/03/2025', '15-03-2025', '15.3.2025', '2025-03-15', ' 15/03/2025 ']) {
      expect(parseDateInput(typed)).toBe('2025-03-15');
    }
  });

  it('refuses dates that do not exist and text that is not a date', () => {
    for (const typed of ['31/02/2025', '29/02/2025', '00/01/2025', '12/13/2025', '2025-02-30', 'hôm qua', '', '1/1/25', '15/03/2025 10:00']) {
      expect(parseDateInput(typed), typed).toBeNull();
    }
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseDateInput('29/02/2024')).toBe('2024-02-29');
  });
});

describe('formatting', () => {
  it('shows a stored date as dd/mm/yyyy without shifting it', () => {
    expect(formatDate('2025-07-01')).toBe('01/07/2025');
    expect(formatDate('2021-01-01')).toBe('01/01/2021');
  });

  it('shows a UTC moment in Asia/Ho_Chi_Minh (UTC+7)', () => {
    expect(formatMoment('2025-06-30T17:30:00.000Z')).toBe('01/07/2025 00:30');
    expect(formatMoment('2025-01-01T00:00:00.000Z')).toBe('01/01/2025 07:00');
  });

  it('takes today from the Vietnamese calendar, not UTC', () => {
    expect(todayInVietnam(new Date('2025-06-30T17:00:00.000Z'))).toBe('2025-07-01');
    expect(todayInVietnam(new Date('2025-06-30T16:59:59.000Z'))).toBe('2025-06-30');
  });
});

describe('dates typed on a number pad', () => {
  it('reads 8 digits as ddmmyyyy, and refuses them when they are not a day', () => {
    expect(parseDateInput('11032025')).toBe('2025-03-11');
    expect(parseDateInput('31022025')).toBeNull();
    expect(parseDateInput('1132025')).toBeNull();
  });
});
