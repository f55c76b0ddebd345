"""PostgreSQL with an append-only events table, for tools/bench-compare.

Run inside the benchmark's virtual environment against a server the caller started:
    python pg_bench.py EVENTS.jsonl CONNINFO DURABLE_COUNT
The table is (seq bigint primary key, id uuid unique, case_id text, body bytea): the event's
canonical bytes, its id and case, as our log keeps them. Inserts go in batches of 1,000 rows (one
multi-row INSERT, one commit each); the scan reads every row in sequence order through a server-
side cursor; a durable append is one single-row INSERT committed alone (fsync and
synchronous_commit on, the server's defaults). Prints `key value` lines.
"""

import json
import sys
import time

import psycopg


def main():
    events_path, conninfo, durable_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lines = open(events_path, "rb").read().splitlines()
    rows = []
    for seq, line in enumerate(lines, start=1):
        e = json.loads(line)
        rows.append((seq, e["id"], e.get("case"), line))
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "CREATE TABLE events (seq bigint PRIMARY KEY, id uuid UNIQUE NOT NULL, case_id text, body bytea NOT NULL)"
        )
        conn.execute("CREATE INDEX events_case ON events (case_id, seq)")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            for b in range(0, len(rows), 1000):
                chunk = rows[b : b + 1000]
                values = ",".join(["(%s,%s,%s,%s)"] * len(chunk))
                cur.execute(f"INSERT INTO events VALUES {values}", [x for row in chunk for x in row])
                conn.commit()
        s = time.perf_counter() - start
        print(f"batch_events_per_s {len(rows) / s:.0f}")

        start = time.perf_counter()
        count = 0
        with conn.cursor(name="scan") as cur:
            cur.itersize = 10000
            cur.execute("SELECT seq, body FROM events ORDER BY seq")
            for _seq, body in cur:
                count += 1
        conn.commit()
        s = time.perf_counter() - start
        print(f"scan_events_per_s {count / s:.0f}")

        samples = []
        body = rows[-1][3]
        for i in range(durable_count):
            t = time.perf_counter()
            conn.execute(
                "INSERT INTO events VALUES (%s, gen_random_uuid(), %s, %s)", (len(rows) + 1 + i, rows[-1][2], body)
            )
            conn.commit()
            samples.append((time.perf_counter() - t) * 1e6)
        samples.sort()
        print(f"durable_p50_us {samples[len(samples) // 2]:.0f}")


if __name__ == "__main__":
    main()
