import Agreement
import Foundation
import Ledger
import Projections
import Reports
import Scenario
import TestSupport
import Testing

/// Stored findings (issue 25): each case's verdict kept in the projections, judged again by the
/// events that touch the case and by the Network acts that reach it. Compared with the definition:
/// the case folded alone, from zero, with every Network act.
@Suite("Stored findings", .serialized)
struct FindingsTests {
    /// Every case's stored breaches against its fold from zero, with the log as it is.
    func expectFindingsAreAFoldFromZero(_ log: EventLog, _ store: ProjectionStore, _ note: String) throws {
        let network = try log.rawEntries(inCase: "").map(Fact.init)
        let ids = try log.caseIDs(prefix: "")
        let stored = try #require(try store.caseFindings(ids), "findings not current \(note)")
        var judged: [(id: String, facts: [Fact])] = []
        for id in ids {
            let facts = try log.rawEntries(inCase: id).map(Fact.init)
            let definition = FindingsTests.definition(id, facts, network)
            #expect((stored[id] ?? []) == definition, "case \(id) \(note)")
            judged.append((id, facts))
        }
        // And `Agreement.judged` (a case's acts against the Network's folded once) is the definition.
        for (i, verdict) in Agreement.judged(judged, network: network).enumerated() {
            #expect(verdict.breaches == FindingsTests.definition(judged[i].id, judged[i].facts, network), "case \(judged[i].id) \(note)")
        }
    }

    /// The definition: the case's acts and the Network's folded from zero in one fold, its
    /// breaches each with the day its act happened.
    static func definition(_ id: String, _ facts: [Fact], _ network: [Fact]) -> [DatedBreach] {
        let all = network + facts
        let happened = Dictionary(Corrections.applied(to: all).map { ($0.id.description, $0.occurred.date) }, uniquingKeysWith: { a, _ in a })
        return Agreement.fold(all).1.filter { $0.caseID == id }.map { DatedBreach(on: $0.event.flatMap { happened[$0] }, breach: $0) }
    }

    /// A random Network act, dated in the scenario's years (recorded now: most are late records).
    static func networkAct(_ rng: inout SplitMix, meetings: inout [String]) -> SignedEvent {
        let states = ["MX", "US", "CR", "GT", "HN", "SV", "PA"]
        let day = String(format: "%04d-%02d-%02d", 2015 + Int(rng.next() % 4), 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
        let state = states[Int(rng.next() % UInt64(states.count))]
        let occurred = Timestamp(parsing: day + "T12:00:00Z")!
        let type: EventType
        let actor: String
        var payload: [String: JSONValue]
        // The entry into force reaches every case: rare, so that it does not hide a narrower reach.
        switch rng.next() % 40 == 0 ? 0 : 1 + rng.next() % 6 {
        case 0:
            (type, actor, payload) = (.enteredIntoForce, Codes.secretariat, ["date": .string(day), "text_version": "draft"])
        case 1:
            (type, actor, payload) = (.leftAgreement, state, ["effective": .string(day)])
        case 2:
            (type, actor, payload) = (.joinedAgreement, state, ["effective": .string(day)])
        case 3:
            let countries = ["MX", "US", "CR", "BS", "ES", "GT"].filter { _ in rng.next() % 2 == 0 }
            (type, actor, payload) = (.networkDeclared, state, ["offices": .array(countries.map { ["country": .string($0)] })])
        case 4:
            (type, actor, payload) = (.focalPointDesignated, state, ["office": "Dirección", "email": "fp@example.org", "telephone": "+1 555 0100"])
        case 5:
            let id = "\(day)-city-\(meetings.count)"
            meetings.append(id)
            (type, actor, payload) = (.meetingScheduled, Codes.secretariat, ["meeting": .string(id), "date": .string(day), "city": "City", "country": "MX"])
        default:
            let id = meetings.isEmpty ? "\(day)-held-\(rng.next() % 1000)" : meetings[Int(rng.next() % UInt64(meetings.count))]
            (type, actor, payload) = (.meetingHeld, Codes.secretariat, ["meeting": .string(id), "participants": ["MX", "US", "CR"]])
        }
        return Envelope(id: .v7(), type: type.name, caseID: nil, actor: actor, occurred: occurred, payload: payload).signed(by: ScenarioKeys.key(actor))
    }

    /// A correction moving an act of `caseID` by its author to another day, or a late act.
    static func caseAct(_ rng: inout SplitMix, _ log: EventLog, _ caseID: String) throws -> SignedEvent? {
        let facts = try log.rawEntries(inCase: caseID).map(Fact.init)
        guard let target = facts.filter({ $0.kind != .corrected && $0.kind != .requestFiled }).randomElement(using: &rng) else { return nil }
        let moved = target.occurred.adding(seconds: Int64(rng.next() % 400) * 86_400 - 200 * 86_400)
        let fields: [String: JSONValue] = ["occurred": .string("\(moved)")]
        return Envelope(
            id: .v7(), type: EventType.corrected.name, caseID: caseID, actor: target.actor, occurred: max(moved, target.occurred).adding(seconds: 60),
            payload: ["event": .string(target.id.description), "fields": .object(fields), "reason": "a date was wrong"]
        ).signed(by: ScenarioKeys.key(target.actor))
    }

    @Test(
        "after random histories (batches, Network acts recorded late, corrections), every case's stored findings equal its fold from zero",
        arguments: [1, 2, 3] as [UInt64])
    func storedEqualsFoldFromZero(seed: UInt64) throws {
        let (log, store, events) = try scenarioLedger()
        // Catch-ups of several chunks: findings owed across chunks, judged at the last.
        store.chunk = 17
        var rng = SplitMix(seed: seed)
        var meetings: [String] = []
        var i = 0
        var step = 0
        while i < events.count {
            let size = 5 + Int(rng.next() % 60)
            _ = try log.append(Array(events[i..<min(i + size, events.count)]))
            i += size
            step += 1
            // Now and then a Network act (dated in the past), or a correction in a case.
            for _ in 0..<Int(rng.next() % 3) {
                if rng.next() % 2 == 0 {
                    _ = try log.append([FindingsTests.networkAct(&rng, meetings: &meetings)])
                } else if let caseID = try log.caseIDs(prefix: "").randomElement(using: &rng), let act = try FindingsTests.caseAct(&rng, log, caseID) {
                    _ = try log.append([act])
                }
            }
            try store.catchUp()
            try expectFindingsAreAFoldFromZero(log, store, "seed \(seed) step \(step)")
        }
        try expectFindingsAreAFoldFromZero(log, store, "seed \(seed) at the end")
        // A rebuild from zero stores the same bytes, and they say the same.
        let incremental = try store.findingsRows()
        try store.rebuild()
        #expect(try store.findingsRows() == incremental, "rebuilt findings differ from incremental (seed \(seed))")
        try expectFindingsAreAFoldFromZero(log, store, "seed \(seed) after a rebuild")
    }

    @Test(
        "each kind of Network act, recorded late on a caught-up ledger, changes the findings it reaches and leaves every case's equal to its fold from zero",
        arguments: ["meeting", "leaves", "offices"])
    func eachNetworkActAlone(kind: String) throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        let ids = try log.caseIDs(prefix: "")
        let before = try #require(try store.caseFindings(ids))
        let held = try store.meetings(withPresented: false).filter(\.held).map(\.date).sorted()
        let ts = Codes.secretariat
        func act(_ type: EventType, _ actor: String, _ day: String, _ payload: [String: JSONValue]) -> SignedEvent {
            Envelope(id: .v7(), type: type.name, caseID: nil, actor: actor, occurred: Timestamp(parsing: day + "T12:00:00Z")!, payload: payload)
                .signed(by: ScenarioKeys.key(actor))
        }
        let late: [SignedEvent]
        switch kind {
        case "meeting":
            // A meeting held a month after the first one, recorded now: cases concluded between
            // them were due there.
            let t = Timestamp(parsing: held[0])!.adding(seconds: 30 * 86_400).date
            late = [
                act(.meetingScheduled, ts, t, ["meeting": .string("\(t)-late"), "date": .string(t), "city": "Late", "country": "MX"]),
                act(.meetingHeld, ts, t, ["meeting": .string("\(t)-late"), "participants": ["MX"]]),
            ]
        case "leaves": late = [act(.leftAgreement, "US", "2015-03-01", ["effective": "2015-03-01"])]
        default: late = [act(.networkDeclared, "US", "2015-03-01", ["offices": []])]
        }
        _ = try log.append(late)
        try store.catchUp()
        try expectFindingsAreAFoldFromZero(log, store, kind)
        let after = try #require(try store.caseFindings(ids))
        #expect(after != before, "the \(kind) act changed no case's findings: this test could not fail")
    }

    @Test("a read-only ledger whose findings are not current (an older amparo's) reports every meeting as the stored findings do, by folding")
    func readOnlyFallsBackToTheFold() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        let meetings = try store.meetings(withPresented: false).map(\.id)
        func reports(_ store: ProjectionStore) throws -> [JSONValue] {
            try meetings.map { try MeetingReport(try MeetingReportData.make(store: store, meetingID: $0, today: "2019-01-01"), minCell: 5).json() }
        }
        let stored = try reports(store)
        #expect(stored.contains { ($0["breaches"]?.arrayValue ?? []).count > 0 }, "no report has breaches: this test could not fail")
        // As an older amparo leaves it: the findings a sequence behind the summaries.
        let gen = try store.activeGeneration(.cases)
        let applied = try store.appliedSeq(.cases)
        try log.write { txn in try txn.put(.projectionMeta, Array("findings.cases.\(gen)".utf8), [UInt8](bigEndian: applied - 1)) }
        let path = log.path
        try withExtendedLifetime(log) {
            let readOnly = try ProjectionStore(log: try EventLog.open(path: path, readOnly: true))
            #expect(try readOnly.caseFindings(["MX-2015-0001"]) == nil, "findings behind the summaries were read")
            #expect(try reports(readOnly) == stored)
        }
    }

    @Test("stored findings that do not read back are reported as damage with the command that repairs it")
    func damagedFindings() throws {
        let (log, store, events) = try scenarioLedger()
        _ = try log.append(events)
        try store.catchUp()
        let gen = try store.activeGeneration(.cases)
        let caseID = try #require(try log.caseIDs(prefix: "").first)
        try log.write { txn in try txn.put(.projection("case-findings", generation: gen), Array(caseID.utf8), [0, 0, 0, 9, 1]) }
        #expect(throws: LedgerError.self) { try store.caseFindings([caseID]) }
        do {
            _ = try store.caseFindings([caseID])
        } catch let e as LedgerError {
            #expect(e.description.contains(caseID) && e.description.contains("amparo rebuild"))
        }
        try store.rebuild()
        #expect(try store.caseFindings([caseID]) != nil)
    }
}

/// A small deterministic generator (SplitMix64) for reproducible random histories.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476C_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
