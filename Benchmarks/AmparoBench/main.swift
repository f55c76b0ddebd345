// Benchmarks for the event log. Run: swift run -c release AmparoBench [all|raw|batch|durable|crypto|screen] [N]
// tools/bench-compare also runs `append-file EVENTS` and `durable-service LEDGER K` (below).
// Each figure is measured in the same run as its baseline (raw LMDB through CLMDB, no wrapper).
import Agreement
import Bundles
import CLMDB
import Foundation
import Ledger
import Projections
import Reports
import Scenario
import Service

let args = CommandLine.arguments
let which = args.count > 1 ? args[1] : "all"
let n = args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000
let clock = ContinuousClock()
/// How events spread over cases: round-robin over 5,000 cases (worst case: every event of a batch
/// in another case), or clustered (CLUSTER=1: a case's events come 20 at a time, as in real use).
let clustered = ProcessInfo.processInfo.environment["CLUSTER"] != nil
func caseNumber(_ i: Int) -> Int { (clustered ? i / 20 : i) % 5000 + 1 }

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func tempDir(_ label: String) -> String {
    let p = NSTemporaryDirectory() + "amparo-bench-\(label)-\(UUID().uuidString.prefix(6))"
    try! FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}
func check(_ rc: Int32, _ what: String) { if rc != 0 { fatalError("\(what): \(String(cString: mdb_strerror(rc)))") } }
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
func fmt(_ x: Double) -> String { String(format: "%.0f", x) }
func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count) * p))]
}

/// A raw LMDB environment (C API, no wrapper) in `dir` with its unnamed database: the baseline.
func openRaw(_ dir: String, mapSize: Int) -> (OpaquePointer?, MDB_dbi) {
    var env: OpaquePointer?
    check(mdb_env_create(&env), "create")
    check(mdb_env_set_mapsize(env, mapSize), "mapsize")
    check(mdb_env_open(env, dir, UInt32(MDB_NOTLS), 0o600), "open")
    var dbi = MDB_dbi()
    var txn: OpaquePointer?
    check(mdb_txn_begin(env, nil, 0, &txn), "begin")
    check(mdb_dbi_open(txn, nil, 0, &dbi), "dbi")
    check(mdb_txn_commit(txn), "commit")
    return (env, dbi)
}

/// One raw `MDB_APPEND` put of `value` under the big-endian key `i`.
@inline(__always)
func rawAppend(_ txn: OpaquePointer?, _ dbi: MDB_dbi, _ i: UInt64, _ value: inout [UInt8]) {
    var key = i.bigEndian
    withUnsafeMutableBytes(of: &key) { kb in
        value.withUnsafeMutableBytes { vb in
            var k = MDB_val(mv_size: 8, mv_data: kb.baseAddress)
            var v = MDB_val(mv_size: vb.count, mv_data: vb.baseAddress)
            check(mdb_put(txn, dbi, &k, &v, UInt32(MDB_APPEND)), "put")
        }
    }
}

/// Raw LMDB: `count` records of `size` bytes in batches, MDB_APPEND, one synced commit per batch.
func rawLMDB(count: Int, size: Int, batch: Int) -> Double {
    let dir = tempDir("raw")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (env, dbi) = openRaw(dir, mapSize: 4 << 30)
    var txn: OpaquePointer?
    var value = [UInt8](repeating: 0x61, count: size)
    let start = clock.now
    var i: UInt64 = 0
    while i < count {
        check(mdb_txn_begin(env, nil, 0, &txn), "begin")
        for _ in 0..<batch where i < count {
            i += 1
            rawAppend(txn, dbi, i, &value)
        }
        check(mdb_txn_commit(txn), "commit")
    }
    let elapsed = seconds(clock.now - start)
    mdb_env_close(env)
    return Double(count) / elapsed
}

/// Raw LMDB doing the ledger's writes per event, without any of its logic: the event (append),
/// its id (16 random-ish bytes), its case key, its leaf hash and on average one tree node (append).
func rawLMDBIndexed(count: Int, size: Int, batch: Int) -> Double {
    let dir = tempDir("rawidx")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var env: OpaquePointer?
    check(mdb_env_create(&env), "create")
    check(mdb_env_set_maxdbs(env, 8), "maxdbs")
    check(mdb_env_set_mapsize(env, 4 << 30), "mapsize")
    check(mdb_env_open(env, dir, UInt32(MDB_NOTLS), 0o600), "open")
    var dbis = [MDB_dbi](repeating: 0, count: 4)
    var txn: OpaquePointer?
    check(mdb_txn_begin(env, nil, 0, &txn), "begin")
    for (i, name) in ["events", "ids", "cases", "tree"].enumerated() { check(mdb_dbi_open(txn, name, UInt32(MDB_CREATE), &dbis[i]), "dbi") }
    check(mdb_txn_commit(txn), "commit")
    var value = [UInt8](repeating: 0x61, count: size)
    var hash = [UInt8](repeating: 0x62, count: 32)
    var empty: [UInt8] = []
    func put(_ db: MDB_dbi, _ key: inout [UInt8], _ v: inout [UInt8], _ flags: Int32) {
        key.withUnsafeMutableBytes { kb in
            v.withUnsafeMutableBytes { vb in
                var k = MDB_val(mv_size: kb.count, mv_data: kb.baseAddress)
                var mv = MDB_val(mv_size: vb.count, mv_data: vb.baseAddress)
                check(mdb_put(txn, db, &k, &mv, UInt32(flags)), "put")
            }
        }
    }
    let start = clock.now
    var i: UInt64 = 0
    var treeIndex: UInt64 = 0
    let casePrefixes = (1...5000).map { Array("MX-2015-\(String(format: "%04d", $0))".utf8) + [0] }
    var x: UInt64 = 0x9E37_79B9_7F4A_7C15  // xorshift: the random tail of a UUIDv7, without syscalls
    while i < count {
        check(mdb_txn_begin(env, nil, 0, &txn), "begin")
        for _ in 0..<batch where i < count {
            i += 1
            var seq = [UInt8](bigEndian: i)
            put(dbis[0], &seq, &value, MDB_APPEND)
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            var id = [UInt8](bigEndian: i << 16) + [UInt8](bigEndian: x)
            put(dbis[1], &id, &seq, 0)
            var caseKey = casePrefixes[caseNumber(Int(i)) - 1] + seq
            put(dbis[2], &caseKey, &empty, 0)
            for _ in 0..<2 {
                var t = [UInt8](bigEndian: treeIndex)
                treeIndex += 1
                put(dbis[3], &t, &hash, MDB_APPEND)
            }
        }
        check(mdb_txn_commit(txn), "commit")
    }
    let elapsed = seconds(clock.now - start)
    mdb_env_close(env)
    return Double(count) / elapsed
}

/// Raw LMDB: p50/p99 of one synced single-record transaction, in microseconds.
func rawDurable(count: Int, size: Int) -> (Double, Double) {
    let dir = tempDir("rawsync")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (env, dbi) = openRaw(dir, mapSize: 1 << 30)
    var txn: OpaquePointer?
    var value = [UInt8](repeating: 0x61, count: size)
    var samples: [Double] = []
    for i in 1...UInt64(count) {
        let start = clock.now
        check(mdb_txn_begin(env, nil, 0, &txn), "begin")
        rawAppend(txn, dbi, i, &value)
        check(mdb_txn_commit(txn), "commit")
        samples.append(seconds(clock.now - start) * 1e6)
    }
    mdb_env_close(env)
    return (percentile(samples, 0.5), percentile(samples, 0.99))
}

func makeLedger(_ label: String) throws -> (EventLog, SigningKey, String) {
    let dir = tempDir(label)
    let ts = try SigningKey(name: "RCM-TS", seed: Array(repeating: 1, count: 32))  // benchmark-only key
    let log = try EventLog.create(path: dir, name: "bench.example/ts", secretariat: .privateKey(ts)).log
    let mx = try SigningKey(name: "MX", seed: Array(repeating: 2, count: 32))  // benchmark-only key
    let reg = Draft(
        type: "key.registered", occurred: .now(),
        payload: [
            "actor": "MX", "public_key": .string(mx.verifierKey.description), "valid_from": "2014-01-01T00:00:00Z",
        ])
    _ = try Recorder(log: log).record([.init(number: 1, draft: reg)], key: ts, keyFile: "ts")
    return (log, mx, dir)
}

/// A realistic protection-action event of about 400 canonical bytes.
func draft(_ i: Int) -> Draft {
    Draft(
        type: "case.protection_action_recorded", caseID: "MX-2015-\(String(format: "%04d", caseNumber(i)))",
        occurred: Timestamp(seconds: 1_430_000_000 + Int64(i)),
        payload: ["kind": "consular_visit", "details": "visit to the detention centre, legal orientation given", "ref": .string("NV-\(i)")])
}

if which == "all" || which == "screen" {
    // The personal-data screen over the scenario's case events, repeated: what it adds per event
    // to the write path and to bundle import (issue 11), beside one Ed25519 verification.
    var facts: [(EventType, [String: JSONValue])] = []
    try ScenarioGenerator(cases: 200).generate { e in
        if e.envelope.caseID != nil, let kind = EventType(name: e.envelope.type) { facts.append((kind, e.envelope.payload)) }
    }
    let rounds = max(1, n / max(1, facts.count))
    let terms = ProcessInfo.processInfo.environment["NO_TERMS"] != nil ? [] : ["Zyxwvuta Quixotiqua", "Quixotiqua", "Zyxwvuta", "+52 55 8765 4321"]
    var found = 0
    let start = clock.now
    for _ in 0..<rounds { for (kind, payload) in facts { found += PersonalDataScreen.findings(type: kind, payload: payload, terms: terms).count } }
    let elapsed = seconds(clock.now - start)
    let count = rounds * facts.count
    print(
        "screen: \(fmt(Double(count) / elapsed)) case events/s (\(String(format: "%.1f", elapsed / Double(count) * 1e6)) µs each, with 4 vault terms; \(found) findings)"
    )
}

if which == "all" || which == "crypto" {
    let key = try SigningKey(name: "MX", seed: Array(repeating: 2, count: 32))
    let msg = [UInt8](repeating: 0x42, count: 300)
    let k = 20_000
    var start = clock.now
    var sig: [UInt8] = []
    for _ in 0..<k { sig = key.sign(msg) }
    let signRate = Double(k) / seconds(clock.now - start)
    start = clock.now
    var ok = true
    for _ in 0..<k { ok = ok && key.verifierKey.isValidSignature(sig, for: msg) }
    let verifyRate = Double(k) / seconds(clock.now - start)
    print("crypto: Ed25519 sign \(fmt(signRate))/s, verify \(fmt(verifyRate))/s (one core, 300-byte messages)")
    print("verify_per_s \(fmt(verifyRate))")
    print("cores \(ProcessInfo.processInfo.activeProcessorCount)")
}

if which == "all" || which == "raw" || which == "batch" {
    let cpuRaw = cpuSeconds()
    let raw = rawLMDB(count: n, size: 400, batch: 1000)
    print("  raw phase cpu \(String(format: "%.2f", cpuSeconds() - cpuRaw)) s")
    print("raw LMDB: \(n) records of 400 B, batches of 1000: \(fmt(raw)) records/s")
    let cpuIdx = cpuSeconds()
    let rawIndexed = rawLMDBIndexed(count: n, size: 413, batch: 1000)
    print("  raw indexed cpu \(String(format: "%.2f", cpuSeconds() - cpuIdx)) s")
    print(
        "raw LMDB with the ledger's five puts per event (event, id, case, 2 tree hashes; cases \(clustered ? "clustered" : "round-robin")): \(fmt(rawIndexed)) events/s"
    )
    if which != "raw" {
        let (log, mx, dir) = try makeLedger("batch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var start = clock.now
        let events = (0..<n).map { draft($0).envelope(actor: "MX").signed(by: mx) }
        let signSeconds = seconds(clock.now - start)
        let avg = events.prefix(1000).map(\.bytes.count).reduce(0, +) / 1000
        start = clock.now
        let cpu0 = cpuSeconds()
        for b in stride(from: 0, to: n, by: 1000) {
            _ = try log.append(Array(events[b..<min(b + 1000, n)]))
        }
        let appendSeconds = seconds(clock.now - start)
        let appendRate = Double(n) / appendSeconds
        print("  append phase: wall \(String(format: "%.2f", appendSeconds)) s, cpu \(String(format: "%.2f", cpuSeconds() - cpu0)) s")
        print(
            "ledger append (cases \(clustered ? "clustered" : "round-robin")): \(n) pre-signed events (avg \(avg) B), batches of 1000: \(fmt(appendRate)) events/s = \(String(format: "%.2f", appendRate / raw))x raw LMDB (signing them took \(String(format: "%.1f", signSeconds)) s, excluded)"
        )
        start = clock.now
        let report = try LedgerVerifier.verify(log)
        print("verify: \(report.events) events in \(String(format: "%.1f", seconds(clock.now - start))) s, ok=\(report.findings.isEmpty)")
    }
}

if which == "append" {
    // Append only (for profiling): events built with a placeholder signature, which append does
    // not check (signatures are the write path's and the verifier's business).
    let (log, _, dir) = try makeLedger("appendonly")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sig = JSONValue.object(["key": "MX+00000000", "value": .string([UInt8](repeating: 7, count: 64).base64)])
    let events: [SignedEvent] = try (0..<n).map { i in
        var o = draft(i).envelope(actor: "MX").json
        o["signature"] = sig
        return try SignedEvent(bytes: CanonicalJSON.encode(.object(o)))
    }
    let repeats = Int(ProcessInfo.processInfo.environment["REPEAT"] ?? "1")!
    for _ in 1..<repeats {  // extra rounds into fresh ledgers, for a profiler to see mostly append
        let (extra, _, extraDir) = try makeLedger("appendonly")
        for b in stride(from: 0, to: n, by: 1000) { _ = try extra.append(Array(events[b..<min(b + 1000, n)])) }
        try? FileManager.default.removeItem(atPath: extraDir)
    }
    let start = clock.now
    let cpu0 = cpuSeconds()
    for b in stride(from: 0, to: n, by: 1000) { _ = try log.append(Array(events[b..<min(b + 1000, n)])) }
    let wall = seconds(clock.now - start)
    print(
        "append only (cases \(clustered ? "clustered" : "round-robin")): \(fmt(Double(n) / wall)) events/s, cpu \(String(format: "%.2f", cpuSeconds() - cpu0)) s of \(String(format: "%.2f", wall)) s"
    )
}

if which == "all" || which == "durable" {
    let k = min(n, 2000)
    let (p50raw, p99raw) = rawDurable(count: k, size: 400)
    let key = try SigningKey(name: "MX", seed: Array(repeating: 2, count: 32))
    let msg = [UInt8](repeating: 0x42, count: 400)
    var start = clock.now
    for _ in 0..<1000 { _ = key.sign(msg) }
    let signMicros = seconds(clock.now - start) * 1e6 / 1000
    let (log, mx, dir) = try makeLedger("durable")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let recorder = Recorder(log: log)
    var samples: [Double] = []
    let cpu0 = cpuSeconds()
    for i in 0..<k {
        start = clock.now
        _ = try recorder.record([.init(number: 1, draft: draft(i))], key: mx, keyFile: "mx")
        samples.append(seconds(clock.now - start) * 1e6)
    }
    print("  amparo record: cpu per append \(fmt((cpuSeconds() - cpu0) / Double(k) * 1e6)) µs")
    let p50 = percentile(samples, 0.5)
    print(
        "durable single append (\(k) runs): raw synced LMDB txn p50 \(fmt(p50raw)) µs (p99 \(fmt(p99raw))), one signature \(fmt(signMicros)) µs; amparo record p50 \(fmt(p50)) µs (p99 \(fmt(percentile(samples, 0.99)))) = \(String(format: "%.2f", p50 / (p50raw + signMicros)))x (raw txn + one signature)"
    )
}

if which == "projections" {
    // N = number of scenario cases (~11.4 events each): build the ledger (not timed), then measure.
    func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024  // MiB
    }
    let dir = tempDir("proj")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = try EventLog.create(path: dir, name: ScenarioKeys.ledgerName, secretariat: .privateKey(ScenarioKeys.key(Codes.secretariat))).log
    var batch: [SignedEvent] = []
    try ScenarioGenerator(cases: n).generate { e in
        batch.append(e)
        if batch.count == 1000 {
            _ = try log.append(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    _ = try log.append(batch)
    let size = try log.size()
    print("projections: ledger of \(size) events, \(n) cases (rss after building it: \(peakRSS()) MiB)")
    let store = try ProjectionStore(log: log)
    var start = clock.now
    let folded = try store.rebuild()
    let rebuildSeconds = seconds(clock.now - start)
    print(
        "  rebuild of the 3 projections from zero: \(folded) event-applications in \(String(format: "%.1f", rebuildSeconds)) s = \(fmt(Double(size) / rebuildSeconds)) ledger events/s (peak RSS \(peakRSS()) MiB)"
    )
    // Catch-up after one append: a cost recorded in a case, then catch-up, 200 times.
    let iom = ScenarioKeys.key("IOM")
    let cases = try store.caseSummaries().prefix(200).map(\.caseID)
    var samples: [Double] = []
    for (i, c) in cases.enumerated() {
        let e = Envelope(
            id: .v7(), type: "case.cost_recorded", caseID: c, actor: "IOM", occurred: Timestamp(parsing: "2018-01-01")!.adding(seconds: Int64(i)),
            payload: ["payer": "IOM", "amount": "10.00", "currency": "USD", "purpose": "bench"]
        ).signed(by: iom)
        _ = try log.append([e])
        start = clock.now
        try store.catchUp()
        samples.append(seconds(clock.now - start) * 1e6)
    }
    print("  catch-up after appending one event: p50 \(fmt(percentile(samples, 0.5))) µs, p99 \(fmt(percentile(samples, 0.99))) µs")
    start = clock.now
    let report = try MeetingReport(try MeetingReportData.make(store: store, meetingID: "2015-11-09-mexico-city"), minCell: 5)
    let html = report.html()
    let meetingSeconds = seconds(clock.now - start)
    start = clock.now
    let workload = WorkloadReport(cases: try store.caseSummaries(), from: nil, to: nil).text()
    let workloadSeconds = seconds(clock.now - start)
    print(
        "  meeting report (HTML, \(html.utf8.count / 1024) KiB) with projections current: \(String(format: "%.3f", meetingSeconds)) s; workload table (\(workload.count / 1024) KiB): \(String(format: "%.3f", workloadSeconds)) s"
    )
}

if which == "bundle-import" {
    // AmparoBench bundle-import FILE SECRETARIAT.vkey: import phases, timed apart (no projections).
    let file = args[2]
    let anchor = try VerifierKey(parsing: try String(contentsOfFile: args[3], encoding: .utf8))
    let dir = tempDir("import")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = try EventLog.create(path: dir, name: "mx.example/sre", secretariat: .verifierKey(anchor)).log
    var start = clock.now
    let parsed = try Bundles.parse(path: file)
    let parseSeconds = seconds(clock.now - start)
    start = clock.now
    let verified = try Bundles.verify(parsed, trustAnchor: anchor, heldKeyEvents: [], path: file)
    let verifySeconds = seconds(clock.now - start)
    start = clock.now
    _ = try log.append(verified.events)
    let appendSeconds = seconds(clock.now - start)
    let n = Double(parsed.events.count)
    let mb = Double(parsed.events.reduce(0) { $0 + $1.bytes.count }) / 1e6
    print(
        "bundle import of \(parsed.events.count) events (\(String(format: "%.1f", mb)) MB of events): decompress+parse \(String(format: "%.1f", parseSeconds)) s, verify (signatures on \(ProcessInfo.processInfo.activeProcessorCount) cores, root, note) \(String(format: "%.1f", verifySeconds)) s, append \(String(format: "%.1f", appendSeconds)) s; total \(fmt(n / (parseSeconds + verifySeconds + appendSeconds))) events/s, \(String(format: "%.1f", mb / (parseSeconds + verifySeconds + appendSeconds))) MB/s"
    )
}

if which == "append-file" {
    // AmparoBench append-file EVENTS: EventLog.append of the file's pre-signed events (one per
    // line, as a bundle carries them), batches of 1000, into a fresh ledger. The origin's genesis
    // is skipped (the fresh ledger has its own). For tools/bench-compare, beside raw LMDB.
    let text = try String(contentsOfFile: args[2], encoding: .utf8)
    let events = try text.split(separator: "\n").map { try SignedEvent(bytes: Array($0.utf8)) }.filter { $0.envelope.type != "ledger.genesis" }
    let dir = tempDir("appendfile")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = try EventLog.create(path: dir, name: ScenarioKeys.ledgerName, secretariat: .privateKey(ScenarioKeys.key(Codes.secretariat))).log
    let start = clock.now
    let cpu0 = cpuSeconds()
    for b in stride(from: 0, to: events.count, by: 1000) { _ = try log.append(Array(events[b..<min(b + 1000, events.count)])) }
    let wall = seconds(clock.now - start)
    print("append_events \(events.count)")
    print("append_events_per_s \(fmt(Double(events.count) / wall))")
    print("append_cpu_s \(String(format: "%.2f", cpuSeconds() - cpu0))")
}

if which == "durable-service" {
    // AmparoBench durable-service LEDGER K: K acts recorded one at a time through the write path
    // an officer's command takes (WriteService.record: shape, screen, sign, judge the case, append,
    // sign the checkpoint, one synced commit), each a cost in an existing case of a scenario ledger.
    // The projections' catch-up that the CLI runs after it is a second commit, timed apart.
    let log = try EventLog.open(path: args[2])
    let k = Int(args[3]) ?? 200
    let store = try ProjectionStore(log: log)
    try store.catchUp()
    let cases = try store.caseSummaries().map(\.caseID)
    let iom = ScenarioKeys.key("IOM")
    let service = WriteService(log: log)
    var samples: [Double] = []
    var catchUps: [Double] = []
    for i in 0..<k {
        let d = Draft(
            type: "case.cost_recorded", caseID: cases[i % cases.count], occurred: Timestamp(parsing: "2018-01-01")!.adding(seconds: Int64(i)),
            payload: ["payer": "IOM", "amount": "10.00", "currency": "USD", "purpose": "bench"])
        var start = clock.now
        _ = try service.record([.init(number: 1, draft: d)], key: iom, keyFile: "iom", source: nil, recordViolations: true)
        samples.append(seconds(clock.now - start) * 1e6)
        start = clock.now
        try store.catchUp()
        catchUps.append(seconds(clock.now - start) * 1e6)
    }
    print("durable_p50_us \(fmt(percentile(samples, 0.5)))")
    print("durable_p99_us \(fmt(percentile(samples, 0.99)))")
    print("catchup_p50_us \(fmt(percentile(catchUps, 0.5)))")
    let key = try SigningKey(name: "MX", seed: Array(repeating: 2, count: 32))
    let msg = [UInt8](repeating: 0x42, count: 400)
    let start = clock.now
    for _ in 0..<1000 { _ = key.sign(msg) }
    print("sign_us \(String(format: "%.1f", seconds(clock.now - start) * 1e6 / 1000))")
}

if which == "parse" {
    // AmparoBench parse N: decoding the scenario's event bytes as reads do (SignedEvent without
    // the canonical re-encoding, then the fold's Fact), and as verify and import do (with it).
    var raw: [[UInt8]] = []
    try ScenarioGenerator(cases: 200).generate { raw.append($0.bytes) }
    let rounds = max(1, n / raw.count)
    for check in [false, true] {
        var fields = 0
        let start = clock.now
        for _ in 0..<rounds {
            for bytes in raw { fields += Fact(seq: 1, recorded: .now(), envelope: try SignedEvent(bytes: bytes, checkCanonical: check).envelope).payload.count }
        }
        let elapsed = seconds(clock.now - start)
        let count = rounds * raw.count
        print(
            "parse (canonical check \(check)): \(fmt(Double(count) / elapsed)) events/s, \(String(format: "%.2f", elapsed / Double(count) * 1e6)) µs each (\(fields) fields)"
        )
    }
}
