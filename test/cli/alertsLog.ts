/** Generated logs with known incidents for the alerts tests: seeded, so every run writes the same lines. */
export const ALERTS_NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;

export interface Incidents {
  readonly errorBurst?: boolean; // feature search: 20 of 40 extra calls fail in the last 10 minutes
  readonly rateLimitBurst?: boolean; // user bulk-importer on extract: 4 × 429 in the last 5 minutes
  readonly latencySpike?: boolean; // feature doc_summary: 25 calls of 20–40 s in the last 10 minutes
  readonly costSpike?: boolean; // feature chat: 20 long calls this morning
}

export function alertsLog(incidents: Incidents, now = ALERTS_NOW): string {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const lines: string[] = [];
  let id = 0;
  const emit = (at: number, fields: Record<string, unknown>): void => {
    lines.push(
      JSON.stringify({
        timestamp: new Date(at).toISOString(),
        request_id: `req-${++id}`,
        user_id: `user-${Math.floor(random() * 20)}`,
        model: 'claude-sonnet-4-5',
        input_tokens: 800,
        output_tokens: 200,
        latency_ms: 400 + Math.floor(random() * 1200),
        stop_reason: 'end_turn',
        ...fields,
      }),
    );
  };
  // Eight days of healthy traffic: four features, a call every 2 minutes each, until now.
  for (let at = now - 8 * DAY; at <= now; at += 2 * MINUTE) {
    for (const feature of ['chat', 'search', 'doc_summary', 'extract']) emit(at - Math.floor(random() * 60_000), { feature });
  }
  // Busier in the 10 minutes before noon, every day: 600 healthy calls, so that one feature's trouble stays under
  // the whole input's thresholds, and today's cost by noon matches the days before.
  for (let day = 0; day < 8; day++) {
    for (let i = 0; i < 600; i++) emit(now - day * DAY - Math.floor(random() * 9.5 * MINUTE), { feature: ['chat', 'search', 'extract'][i % 3] });
  }
  if (incidents.errorBurst === true) {
    for (let i = 0; i < 40; i++) {
      const failed = i < 20 ? { error: 'InternalServerError', error_status: 500, stop_reason: 'error', user_id: 'alice' } : {};
      emit(now - (i + 1) * 12_000, { feature: 'search', ...failed });
    }
  }
  if (incidents.rateLimitBurst === true) {
    for (let i = 0; i < 4; i++) {
      emit(now - (i + 1) * 30_000, {
        feature: 'extract',
        user_id: 'bulk-importer',
        error: 'RateLimitError',
        error_status: 429,
        ratelimit_tokens_remaining: 120 - i * 40,
        ratelimit_requests_remaining: 50,
      });
    }
  }
  if (incidents.latencySpike === true) {
    for (let i = 0; i < 25; i++) emit(now - (i + 1) * 20_000, { feature: 'doc_summary', latency_ms: 20_000 + i * 800 });
  }
  if (incidents.costSpike === true) {
    for (let i = 0; i < 20; i++) emit(now - 3 * 3_600_000 + i * 60_000, { feature: 'chat', input_tokens: 150_000, output_tokens: 4000, user_id: 'carol' });
  }
  return `${lines.join('\n')}\n`;
}
