import { validation } from './errors.js';

export type Schedule = { kind: 'rate'; everyMs: number } | { kind: 'cron' };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * rate(1 minute) / rate(5 minutes) (AWS insists on the singular for 1 and the plural otherwise) or
 * cron(min hour day-of-month month day-of-week year) with a `?` in one of the day fields.
 */
export function parseSchedule(expression: string): Schedule {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const plural = rate[2].endsWith('s');
    if (value < 1 || plural !== value > 1) throw invalidSchedule();
    return { kind: 'rate', everyMs: value * UNIT_MS[plural ? rate[2].slice(0, -1) : rate[2]] };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) throw invalidSchedule();
    const dayOfMonth = fields[2];
    const dayOfWeek = fields[4];
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw invalidSchedule();
    return { kind: 'cron' };
  }
  throw invalidSchedule();
}

const invalidSchedule = () => validation('Parameter ScheduleExpression is not valid.');
