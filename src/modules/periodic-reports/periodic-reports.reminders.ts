import { addDays, formatDate, nowIso, todayInVietnam } from '../../lib/dates.js';
import type { Mailer } from '../../lib/mailer.js';
import type { AreaCatalog } from '../../areas/index.js';
import { translator } from '../../i18n/index.js';
import { dueDateOf, levelsOf } from './periodic-reports.levels.js';
import type { PeriodicReportsService } from './periodic-reports.service.js';

/** Days before the due date when the first reminder goes out; the second goes the day after it. */
export const REMINDER_DAYS_BEFORE = 5;
/** A reminder missed while the server was stopped is still sent this many days late, never later. */
const CATCH_UP_DAYS = 3;

/**
 * One tick of the reminder schedule at the moment `now` (the clock is passed in, so tests drive it): for every
 * period whose due date for a level is 5 days away or was yesterday (in Vietnam's calendar), an email to the
 * heads of each area of that level that has not sent its report, each (period, area, kind) once. Without a
 * mailer (no SMTP_URL) nothing is sent and nothing is written.
 */
export async function reminderTick(
  { service, catalog, mailer, baseUrl = '' }: { service: PeriodicReportsService; catalog: AreaCatalog; mailer: Mailer | undefined; baseUrl?: string },
  now: Date,
): Promise<{ sent: number; failed: number }> {
  const result = { sent: 0, failed: 0 };
  if (!mailer) return result;
  const t = translator('vi');
  const today = todayInVietnam(now);
  const repository = service.repository;
  const periods = repository.periodsDueBetween(addDays(today, -(1 + CATCH_UP_DAYS)), addDays(today, REMINDER_DAYS_BEFORE));
  for (const period of periods) {
    for (const level of levelsOf(period)) {
      const due = dueDateOf(period, level);
      if (!due) continue;
      const before = today >= addDays(due, -REMINDER_DAYS_BEFORE) && today < due;
      const after = today > due && today <= addDays(due, 1 + CATCH_UP_DAYS);
      if (!before && !after) continue;
      const kind = before ? 'before' : 'after';
      for (const area of service.pendingAreas(period, level)) {
        const recipients = repository.headEmails(area.id === catalog.province.id ? null : area.id, catalog.province.id);
        if (recipients.length === 0) continue;
        const claim = repository.claimReminder({ periodId: period.id, areaId: area.id, kind, dueDate: due, recipients: recipients.join(', ') }, nowIso(now));
        if (claim === undefined) continue;
        const params = { period: period.title, area: area.name, due: formatDate(due) };
        try {
          await mailer.send({
            to: recipients,
            subject: t(kind === 'before' ? 'periodic.mail.beforeSubject' : 'periodic.mail.afterSubject', params),
            text: `${t(kind === 'before' ? 'periodic.mail.beforeBody' : 'periodic.mail.afterBody', params)}\n\n${baseUrl}/periodic-reports\n`,
          });
          repository.finishReminder(claim, 'sent', '', nowIso(now));
          result.sent += 1;
        } catch (error) {
          repository.finishReminder(claim, 'failed', error instanceof Error ? error.message : String(error), nowIso(now));
          result.failed += 1;
        }
      }
    }
  }
  return result;
}
