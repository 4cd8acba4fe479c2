import { parseSchedule } from './schedule.js';
import { isEnabled, type Rule } from './state.js';

/**
 * Fires enabled rate(...) rules on their period. cron(...) expressions are accepted and stored but not fired:
 * the engine would need a cron calendar for a feature rarely exercised locally.
 */
export class Scheduler {
  private readonly timers = new Map<string, { rule: Rule; timer: NodeJS.Timeout }>();

  constructor(private readonly fire: (rule: Rule) => void) {}

  /** Starts, restarts or stops the rule's timer to follow its current definition. */
  sync(rule: Rule): void {
    const current = this.timers.get(rule.arn);
    if (current && current.rule.scheduleExpression === rule.scheduleExpression && isEnabled(rule)) {
      current.rule = rule;
      return;
    }
    this.remove(rule);
    if (!rule.scheduleExpression || !isEnabled(rule)) return;
    const schedule = parseSchedule(rule.scheduleExpression);
    if (schedule.kind !== 'rate') return;
    const entry = {
      rule,
      timer: setInterval(() => this.fire(entry.rule), schedule.everyMs),
    };
    entry.timer.unref();
    this.timers.set(rule.arn, entry);
  }

  remove(rule: Rule): void {
    const current = this.timers.get(rule.arn);
    if (!current) return;
    clearInterval(current.timer);
    this.timers.delete(rule.arn);
  }

  stop(): void {
    for (const { timer } of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
