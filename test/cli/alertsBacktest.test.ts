import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';
import { ALERTS_NOW, alertsLog } from './alertsLog.js';
import { schemaErrors } from './schema.js';

const MINUTE = 60_000;
/** The incidents end here, three hours before the log's --now; the log itself ends here too. */
const INCIDENT = ALERTS_NOW - 3 * 60 * MINUTE;
const iso = (ms: number): string => new Date(ms).toISOString();

interface IntervalJson {
  rule: string;
  scope: Record<string, string>;
  severity: string;
  start: string;
  end: string;
  peak: number;
}

describe('claude-mon alerts --backtest', () => {
  it('finds the intervals in which the incidents placed in the log would have fired', async () => {
    const file = path.join(temporaryDirectory(), 'history.jsonl');
    writeFileSync(file, alertsLog({ errorBurst: true, rateLimitBurst: true, latencySpike: true }, INCIDENT));
    const run = await runCli([
      'alerts', file, '--backtest', '--from', iso(INCIDENT - 60 * MINUTE), '--to', iso(INCIDENT + 30 * MINUTE), '--step', '1m', '--json',
    ]);
    expect(run.code).toBe(0);
    expect(schemaErrors('backtest', run.stdout)).toEqual([]);
    const document = JSON.parse(run.stdout) as { steps: number; intervals: IntervalJson[] };
    expect(document.steps).toBe(91);
    const byRule = document.intervals.map((i) => `${i.rule} ${JSON.stringify(i.scope)}`).sort();
    expect(byRule).toEqual([
      // After the log ends, healthy calls leave the window before the last failures (the 429s count as errors too):
      // the error rate of the whole input and of extract rises while the window empties. The rule is right to fire.
      'error_rate {"feature":"extract"}',
      'error_rate {"feature":"search"}',
      'error_rate {}',
      'p95_latency {"feature":"doc_summary"}',
      'rate_limited {"feature":"extract"}',
      'rate_limited {}',
    ]);
    for (const interval of document.intervals) {
      const start = Date.parse(interval.start);
      const end = Date.parse(interval.end);
      const windowMs = (interval.rule === 'rate_limited' ? 5 : 10) * MINUTE;
      const tail = interval.rule === 'error_rate' && interval.scope['feature'] !== 'search';
      // Each incident happens in the 10 minutes before INCIDENT; a rule fires once its window holds enough of it,
      // and stops when the window has moved past it.
      expect(start, interval.rule).toBeGreaterThanOrEqual(tail ? INCIDENT : INCIDENT - 10 * MINUTE);
      expect(start, interval.rule).toBeLessThanOrEqual(tail ? INCIDENT + windowMs : INCIDENT);
      expect(end, interval.rule).toBeGreaterThanOrEqual(INCIDENT);
      expect(end, interval.rule).toBeLessThan(INCIDENT + windowMs);
    }
    const latency = document.intervals.find((i) => i.rule === 'p95_latency');
    expect(latency?.peak).toBeGreaterThan(15_000);
  });

  it('prints a table of intervals, and says so when nothing would have fired', async () => {
    const file = path.join(temporaryDirectory(), 'quiet.jsonl');
    writeFileSync(file, alertsLog({}, INCIDENT));
    const run = await runCli(['alerts', file, '--backtest', '--from', iso(INCIDENT - 30 * MINUTE), '--to', iso(INCIDENT), '--step', '5m']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('· every 5m (7 evaluations) · 0 firing intervals');
    expect(run.stdout).toContain('no rule would have fired');
  });

  it('rejects --from after --to, too many steps, and --from without --backtest (exit 3)', async () => {
    const file = path.join(temporaryDirectory(), 'quiet.jsonl');
    writeFileSync(file, alertsLog({}, INCIDENT));
    const after = await runCli(['alerts', file, '--backtest', '--from', iso(INCIDENT), '--to', iso(INCIDENT - MINUTE)]);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('is after --to');
    const many = await runCli(['alerts', file, '--backtest', '--from', '400d', '--step', '1s', '--now', iso(INCIDENT)]);
    expect(many.code).toBe(3);
    expect(many.stderr).toContain('use a longer --step');
    expect((await runCli(['alerts', file, '--from', '1h'])).code).toBe(3);
  });
});
