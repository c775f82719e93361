# The jq side of the bench: per feature and in total, calls, errors (non-empty `error` or `error_status` >= 400)
# and the exact nearest-rank p50/p95 of latency_ms (the ceil(q*n)-th smallest, after a sort).
#   jq -n -c -f bench/jq-summary.jq FILE.jsonl
# Reads bare JSON lines only. Keeps [feature, latency, error?] for every call in memory (jq has no streaming quantile).
def nearest_rank($q): .[(($q * length) | ceil) - 1];
def stats:
  (map(.[1]) | sort) as $latencies
  | { calls: length, errors: (map(select(.[2])) | length),
      p50: ($latencies | nearest_rank(0.5)), p95: ($latencies | nearest_rank(0.95)) };
[inputs | [(.feature // "unknown"), .latency_ms, (((.error // "") != "") or ((.error_status // 0) >= 400))]]
| { groups: (group_by(.[0]) | map({ key: .[0][0], value: stats }) | from_entries), total: stats }
