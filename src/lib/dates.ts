const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const vietnameseDatePattern = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
/** ddmmyyyy typed on a phone's number pad, which has no "/". */
const digitsDatePattern = /^(\d{2})(\d{2})(\d{4})$/;

/** The reform date: districts end the day before, new communes start on it. */
export const REFORM_DATE = '2025-07-01';
export const LAST_DAY_BEFORE_REFORM = '2025-06-30';

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/**
 * Reads a calendar date typed as dd/mm/yyyy (also with - or . between the parts, or as 8 digits) or YYYY-MM-DD
 * and returns it as YYYY-MM-DD, or null when it is not a real date. No time zone is involved, so it never shifts.
 */
export function parseDateInput(value: string): string | null {
  const text = value.trim();
  let year: number, month: number, day: number;
  const iso = isoDatePattern.exec(text);
  const vietnamese = vietnameseDatePattern.exec(text) ?? digitsDatePattern.exec(text);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (vietnamese) {
    [day, month, year] = [Number(vietnamese[1]), Number(vietnamese[2]), Number(vietnamese[3])];
  } else {
    return null;
  }
  if (year < 1900 || year > 2199 || !isRealDate(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** YYYY-MM-DD → dd/mm/yyyy, by string slicing so no time zone can move the day. */
export function formatDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '';
  const match = isoDatePattern.exec(isoDate);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : isoDate;
}

const momentFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A UTC ISO moment shown in Asia/Ho_Chi_Minh as dd/mm/yyyy HH:mm. */
export function formatMoment(isoMoment: string | null | undefined): string {
  if (!isoMoment) return '';
  const date = new Date(isoMoment);
  if (Number.isNaN(date.getTime())) return '';
  const parts = Object.fromEntries(momentFormatter.formatToParts(date).map((part) => [part.type, part.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** Today's date in Asia/Ho_Chi_Minh as YYYY-MM-DD (the users' calendar day, not UTC's). */
export function todayInVietnam(now: Date = new Date()): string {
  // Vietnam keeps UTC+7 all year (no daylight saving), so shifting the moment is exact and cheap.
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** The current moment as a UTC ISO string, the one way moments are stored. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

/** The UTC moment at which a calendar day starts in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export function startOfDayInVietnam(isoDate: string): string {
  return new Date(`${isoDate}T00:00:00+07:00`).toISOString();
}

/** A YYYY-MM-DD date so many calendar days later (earlier when negative). */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The calendar day after a YYYY-MM-DD date. */
export function nextDay(isoDate: string): string {
  return addDays(isoDate, 1);
}

/**
 * What is wrong with a list's date filter as typed (a date that does not read, or "from" after "to"), so the
 * page can say why the filter is ignored or the list is empty instead of failing silently.
 */
export function dateRangeProblems(from: unknown, to: unknown): Array<{ key: 'errors.filter.dateUnreadable' | 'errors.filter.dateReversed'; params?: { value: string } }> {
  const problems: Array<{ key: 'errors.filter.dateUnreadable' | 'errors.filter.dateReversed'; params?: { value: string } }> = [];
  const read = (value: unknown): string | null => {
    if (typeof value !== 'string' || value.trim() === '') return null;
    const date = parseDateInput(value);
    if (!date) problems.push({ key: 'errors.filter.dateUnreadable', params: { value: value.slice(0, 20) } });
    return date;
  };
  const start = read(from);
  const end = read(to);
  if (start && end && start > end) problems.push({ key: 'errors.filter.dateReversed' });
  return problems;
}
