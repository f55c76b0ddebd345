"""The Python `eventsourcing` library with SQLite, storing and replaying Amparo's events.

Run by tools/bench-compare inside its virtual environment:
    python es_bench.py EVENTS.jsonl DBFILE DURABLE_COUNT
EVENTS.jsonl holds one signed event per line (the canonical bytes a bundle carries). Each event
becomes a domain event of a `Case` aggregate (the network's events go to one `Network` aggregate),
stored with the library's own SQLite recorder in batches of 1,000 events (one `save` of the
touched aggregates per batch), then every aggregate is read back through the repository, which
replays its events. Prints `key value` lines.
"""

import json
import os
import sys
import time
import uuid

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

NS = uuid.UUID("6f0a4c1e-0000-4000-8000-00000000a11a")


class Case(Aggregate):
    @staticmethod
    def create_id(case_id):
        return uuid.uuid5(NS, case_id)

    @event("Opened")
    def __init__(self, case_id):
        self.case_id = case_id
        self.acts = 0
        self.last_type = None
        self.last_occurred = None
        self.actors = set()

    @event("Recorded")
    def record(self, id, type, actor, occurred, payload, signature):
        self.acts += 1
        self.last_type = type
        self.last_occurred = occurred
        self.actors.add(actor)


class Ledger(Application):
    is_snapshotting_enabled = False


def main():
    events_path, db, durable_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lines = open(events_path, "rb").read().splitlines()
    events = [json.loads(line) for line in lines]
    os.environ["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
    os.environ["SQLITE_DBNAME"] = db

    app = Ledger()
    aggregates = {}
    touched = {}
    start = time.perf_counter()
    for i, e in enumerate(events):
        key = e.get("case") or "network"
        agg = aggregates.get(key)
        if agg is None:
            agg = Case(key)
            aggregates[key] = agg
        agg.record(e["id"], e["type"], e["actor"], e["occurred"], e.get("payload", {}), e["signature"])
        touched[key] = agg
        if len(touched) and (i + 1) % 1000 == 0:
            app.save(*touched.values())
            touched = {}
    if touched:
        app.save(*touched.values())
    store_s = time.perf_counter() - start
    print(f"store_events_per_s {len(events) / store_s:.0f}")

    # Replay: a fresh application on the same database reads every aggregate back.
    ids = [Case.create_id(k) for k in aggregates]
    app = Ledger()
    start = time.perf_counter()
    replayed = 0
    for aid in ids:
        agg = app.repository.get(aid)
        replayed += agg.acts + 1
    replay_s = time.perf_counter() - start
    print(f"replay_events_per_s {replayed / replay_s:.0f}")
    print(f"replay_seconds {replay_s:.2f}")

    # One durable save of one event, as an officer recording one act (SQLite commits each save).
    samples = []
    agg = app.repository.get(ids[0])
    for i in range(durable_count):
        t = time.perf_counter()
        agg.record(f"durable-{i}", "case.cost_recorded", "IOM", "2018-01-01T00:00:00Z", {"amount": "10.00"}, {})
        app.save(agg)
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    print(f"durable_p50_us {samples[len(samples) // 2]:.0f}")


if __name__ == "__main__":
    main()
