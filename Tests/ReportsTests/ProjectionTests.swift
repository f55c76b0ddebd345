import Agreement
import Foundation
import LMDB
import Ledger
import Projections
import Reports
import Scenario
import TestSupport
import Testing

/// The committed scenario recorded into a fresh ledger.
func scenarioLedger(split: Bool = false) throws -> (EventLog, ProjectionStore, [SignedEvent]) {
    let dir = try TestSupport.temporaryDirectory("proj")
    let log = try EventLog.create(path: dir + "/L", name: ScenarioKeys.ledgerName, secretariat: .privateKey(ScenarioKeys.key(Codes.secretariat))).log
    var events: [SignedEvent] = []
    try ScenarioGenerator(cases: 40).generate { events.append($0) }
    return (log, try ProjectionStore(log: log), events)
}

@Suite("Projections", .serialized)
struct ProjectionTests {
    @Test("incremental catch-up after every small append gives byte for byte what a rebuild from zero gives")
    func incrementalEqualsRebuild() throws {
        let (log, store, events) = try scenarioLedger()
        // Append in uneven batches, catching up after each, as a live node would.
        var i = 0
        var size = 7
        while i < events.count {
            _ = try log.append(Array(events[i..<min(i + size, events.count)]))
            try store.catchUp()
            i += size
            size = size % 23 + 5
        }
        try store.checkInvariants()
        var incremental: [ProjectionStore.Name: [ProjectionStore.Row]] = [:]
        for name in ProjectionStore.Name.allCases { incremental[name] = try store.dump(name) }
        let before = try ProjectionStore.Name.allCases.map { try store.activeGeneration($0) }
        try store.rebuild()
        for (k, name) in ProjectionStore.Name.allCases.enumerated() {
            #expect(try store.activeGeneration(name) == 1 - before[k], "rebuild swaps the generation")
            #expect(try store.dump(name) == incremental[name]!, "\(name) rebuilt differs from incremental")
            #expect(try store.appliedSeq(name) == (try log.size()))
        }
        try store.checkInvariants()
        #expect(try store.caseSummaries().count == 40)
        #expect(try store.meetings().contains { $0.id == "2015-11-09-mexico-city" && $0.held && !$0.presented.isEmpty })
    }

    @Test("catch-up applies each sequence once: a generation that was moved back refuses to re-apply")
    func gapFree() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(Array(events.prefix(100)))
        #expect(try store.catchUp() == 3 * 100 + 3)  // three projections, genesis included
        #expect(try store.catchUp() == 0)
        _ = try log.append([events[100]])
        #expect(try store.catchUp() == 3)
        #expect(try store.appliedSeq(.cases) == 102)
    }

    @Test("readers see the old generation until the rebuilt one is swapped in")
    func blueGreen() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(Array(events.prefix(300)))
        try store.catchUp()
        let active = try store.activeGeneration(.cases)
        let old = try store.dump(.cases)
        // New events the old view has not seen yet; the rebuild folds them in chunks of 50.
        _ = try log.append(Array(events.dropFirst(300)))
        store.chunk = 50
        var seenDuringRebuild: [[ProjectionStore.Row]] = []
        try store.rebuild([.cases]) { _, _ in
            // Between two chunks of the rebuild, a reader still sees the old, complete view.
            seenDuringRebuild.append((try? store.dump(.cases)) ?? [])
        }
        #expect(seenDuringRebuild.count > 2)
        #expect(seenDuringRebuild.allSatisfy { $0 == old })
        #expect(try store.activeGeneration(.cases) == 1 - active)
        #expect(try store.dump(.cases) != old)
        #expect(try store.caseSummaries().count == 40)
    }

    @Test("the workload projection equals the workload computed from the case summaries")
    func workloadAgrees() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        #expect(try store.workloadRows() == WorkloadRow.rows(try store.caseSummaries()))
    }

    @Test("each view has one JSON encoding: every stored case summary, workload row and meeting reads back to the same bytes")
    func oneEncoding() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        let cases = try store.dump(.cases)
        #expect(cases.count == 40)
        for entry in cases {
            let summary = try CaseSummary(json: try JSONParser.parse(entry.value))
            #expect(CanonicalJSON.encode(summary.json) == entry.value)
        }
        for row in try store.workloadRows() { #expect(try WorkloadRow(json: row.json) == row) }
        for meeting in try store.meetings() { #expect(try MeetingView(json: meeting.json) == meeting) }
    }

    @Test("a stored view missing any one field, or holding one of the wrong kind, is refused as damage, never read with a default")
    func strictDecoders() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        let summary = try #require(try store.caseSummaries().first { !$0.claims.isEmpty && !$0.presentations.isEmpty })
        let row = try #require(try store.workloadRows().first { $0.requested > 0 })
        let meeting = try #require(try store.meetings().first { $0.held })
        let decoders: [(String, JSONValue, (JSONValue) throws -> Void)] = [
            ("case summary", summary.json, { _ = try CaseSummary(json: $0) }),
            ("workload row", row.json, { _ = try WorkloadRow(json: $0) }),
            ("meeting view", meeting.json, { _ = try MeetingView(json: $0) }),
        ]
        for (what, json, decode) in decoders {
            let object = try #require(json.objectValue)
            try decode(json)
            for key in object.keys.sorted() {
                var less = object
                less[key] = nil
                #expect(throws: LedgerError.code(.corrupt), "\(what) without \(key)") { try decode(.object(less)) }
                var wrong = object
                wrong[key] = .array([.bool(true)])
                #expect(throws: LedgerError.code(.corrupt), "\(what) with a list for \(key)") { try decode(.object(wrong)) }
            }
        }
        // Inside a list too: a claim without its currency.
        var claims = try #require(summary.json["claims"]?.arrayValue)
        var claim = try #require(claims[0].objectValue)
        claim["currency"] = nil
        claims[0] = .object(claim)
        var damaged = try #require(summary.json.objectValue)
        damaged["claims"] = .array(claims)
        #expect(throws: LedgerError.code(.corrupt)) { try CaseSummary(json: .object(damaged)) }
    }
}

@Suite("Small-cell suppression")
struct SuppressionTests {
    /// Tries to recover every hidden entry from the published table: a hidden value alone in any
    /// row or column of the extended table (totals included) equals its relation's published sum.
    func recoverable(_ t: CountTable) -> [(Int, Int)] {
        var found: [(Int, Int)] = []
        let e = t.extended
        let h = t.extendedHidden
        let rows = e.count
        let cols = e[0].count
        for r in 0..<rows {
            for c in 0..<cols where h[r][c] {
                if (0..<cols).filter({ h[r][$0] }).count == 1 || (0..<rows).filter({ h[$0][c] }).count == 1 { found.append((r, c)) }
            }
        }
        return found
    }

    @Test("a hidden cell cannot be recovered from the totals, on many random tables", arguments: Array(1...200))
    func noRecovery(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(seed))
        let rows = 2 + Int(rng.next() % 9)
        let cols = 2 + Int(rng.next() % 5)
        let counts = (0..<rows).map { _ in (0..<cols).map { _ in Int(rng.next() % 12) } }
        let t = CountTable(title: "t", rows: (0..<rows).map { "r\($0)" }, columns: (0..<cols).map { "c\($0)" }, counts: counts, minimum: 5)
        #expect(recoverable(t).isEmpty, "\(counts)")
        // Every primary cell is hidden; zeros and cells at or above the minimum are shown unless complementary.
        for r in 0..<rows { for c in 0..<cols where counts[r][c] > 0 && counts[r][c] < 5 { #expect(t.hidden[r][c]) } }
    }

    @Test("without complementary suppression the attack would succeed (the test can fail)")
    func attackWorksOnPrimaryOnly() {
        let counts = [[3, 10], [12, 20]]
        let primaryOnly = counts.map { row in row.map { $0 > 0 && $0 < 5 } }
        // Row 0: 3 is hidden alone; total 13 minus the visible 10 gives it back.
        #expect(primaryOnly[0].filter { $0 }.count == 1)
        let t = CountTable(title: "t", rows: ["a", "b"], columns: ["x", "y"], counts: counts, minimum: 5)
        #expect(t.hidden[0][0])
        #expect(t.extendedHidden[0].filter { $0 }.count >= 2)
        #expect(recoverable(t).isEmpty)
    }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
