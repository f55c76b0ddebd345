import Agreement
import Foundation
import LMDB
import Ledger

/// The three projections of a ledger — case state, per-country workload, meeting-report view —
/// kept in LMDB beside the log, fed by the Agreement's fold.
///
/// Each projection has two generations (`proj.<name>.0`, `proj.<name>.1`) and, in `proj.meta`, which
/// one is active and the last sequence each generation applied. A generation's data and its last
/// sequence change in the same write transaction, and catch-up always starts at the sequence after
/// it: a projection never skips or re-applies a sequence. `rebuild` fills the inactive generation
/// from zero and makes it active in one transaction (blue/green): readers see the old view until then.
///
/// Catching up after an append touches only the cases the new events belong to (and the meetings,
/// when a network event arrives): its cost depends on those cases, not on the ledger's size.
public final class ProjectionStore: @unchecked Sendable {
    public enum Name: String, CaseIterable, Sendable {
        case cases, workload, meetings
    }

    public let log: EventLog
    let env: Environment
    let meta: Database
    let generations: [Name: [Database]]

    /// Events folded per catch-up transaction (bounds memory whatever the backlog).
    public var chunk: UInt64 = 20_000

    public init(log: EventLog) throws {
        self.log = log
        env = log.environment
        meta = try env.database(named: "proj.meta", create: true)
        var g: [Name: [Database]] = [:]
        for name in Name.allCases {
            g[name] = [try env.database(named: "proj.\(name.rawValue).0", create: true),
                       try env.database(named: "proj.\(name.rawValue).1", create: true)]
        }
        generations = g
    }

    // MARK: Meta

    func activeGeneration(_ txn: borrowing Transaction, _ name: Name) throws -> Int {
        try txn.get(meta, key: Array("active.\(name.rawValue)".utf8)) == [1] ? 1 : 0
    }

    func appliedSeq(_ txn: borrowing Transaction, _ name: Name, _ gen: Int) throws -> UInt64 {
        try txn.get(meta, key: Array("seq.\(name.rawValue).\(gen)".utf8))?.bigEndianUInt64 ?? 0
    }

    func setAppliedSeq(_ txn: borrowing Transaction, _ name: Name, _ gen: Int, _ seq: UInt64) throws {
        try txn.put(meta, key: Array("seq.\(name.rawValue).\(gen)".utf8), value: [UInt8](bigEndian: seq))
    }

    /// The last sequence the active generation of `name` applied.
    public func appliedSeq(_ name: Name) throws -> UInt64 {
        try env.read { txn in try self.appliedSeq(txn, name, try self.activeGeneration(txn, name)) }
    }

    // MARK: Catch-up

    /// Brings every projection's active generation up to the log's current size.
    /// - Returns: how many events were applied (summed over projections).
    @discardableResult
    public func catchUp(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        var applied: UInt64 = 0
        for name in Name.allCases {
            let gen = try env.read { txn in try self.activeGeneration(txn, name) }
            applied += try catchUp(name, generation: gen, progress: progress)
        }
        return applied
    }

    /// Applies the events after generation `gen`'s last sequence, in chunks, each chunk's data and
    /// last sequence in one transaction.
    func catchUp(_ name: Name, generation gen: Int, progress: ((UInt64, UInt64) -> Void)?) throws -> UInt64 {
        let target = try log.size()
        var from = try env.read { txn in try self.appliedSeq(txn, name, gen) }
        let start = from
        while from < target {
            let to = min(target, from + chunk)
            var touched = Set<String>()
            var network = false
            try log.forEachRaw(from: from + 1, to: to) { raw in
                let event = try SignedEvent(bytes: raw.bytes, checkCanonical: false)
                if let c = event.envelope.caseID { touched.insert(c) } else { network = true }
                return true
            }
            try apply(name, generation: gen, cases: touched.sorted(), network: network, through: to, expectedFrom: from)
            from = to
            progress?(from - start, target - start)
        }
        return from - start
    }

    /// The case's state folded from its events up to `through`.
    func summary(of caseID: String, through: UInt64) throws -> CaseSummary? {
        var facts: [Fact] = []
        for seq in try log.seqs(inCase: caseID) where seq <= through {
            guard let raw = try log.rawEntry(at: seq) else { continue }
            facts.append(Fact(seq: seq, recorded: raw.recorded, envelope: try SignedEvent(bytes: raw.bytes, checkCanonical: false).envelope))
        }
        guard let state = Agreement.fold(facts).0.cases[caseID], state.filed != nil else { return nil }
        return CaseSummary(state)
    }

    /// The Network's meetings folded from the network events up to `through`.
    func networkMeetings(through: UInt64) throws -> [String: NetworkState.Meeting] {
        var facts: [Fact] = []
        for seq in try log.seqs(inCase: "") where seq <= through {
            guard let raw = try log.rawEntry(at: seq) else { continue }
            facts.append(Fact(seq: seq, recorded: raw.recorded, envelope: try SignedEvent(bytes: raw.bytes, checkCanonical: false).envelope))
        }
        return Agreement.fold(facts).0.network.meetings
    }

    /// Writes the new state of `cases` (and of the meetings when `network`) into generation `gen`
    /// of `name`, and its last sequence `through`, in one transaction. Refuses to skip or re-apply.
    func apply(_ name: Name, generation gen: Int, cases: [String], network: Bool, through: UInt64, expectedFrom: UInt64) throws {
        // Read and fold first (no write transaction held while folding).
        var summaries: [String: CaseSummary?] = [:]
        for c in cases { summaries[c] = try summary(of: c, through: through) }
        let meetings = (name == .meetings && network) ? try networkMeetings(through: through) : nil
        let db = generations[name]![gen]
        try env.write { txn in
            let applied = try self.appliedSeq(txn, name, gen)
            guard applied == expectedFrom else {
                throw LedgerError(.corrupt, "projection \(name.rawValue) is at sequence \(applied), expected \(expectedFrom): refusing to skip or re-apply events; run `amparo rebuild`")
            }
            switch name {
            case .cases:
                for (c, s) in summaries.sorted(by: { $0.key < $1.key }) {
                    if let s { try txn.put(db, key: Array(c.utf8), value: CanonicalJSON.encode(s.json)) } else { try txn.delete(db, key: Array(c.utf8)) }
                }
            case .workload:
                // Take each case's old contribution back and add its new one.
                var olds: [String: CaseSummary] = [:]
                for c in summaries.keys {
                    if let bytes = try txn.get(db, key: Array("c:\(c)".utf8)) { olds[c] = try CaseSummary(json: try JSONParser.parse(bytes)) }
                }
                var states = Set<String>()
                for (c, s) in summaries {
                    for x in [olds[c], s].compactMap({ $0 }) {
                        states.formUnion([x.requesting] + [x.assisting].compactMap { $0 } + x.claims.map(\.claimant))
                    }
                }
                var rows: [String: WorkloadRow] = [:]
                for state in states {
                    let stored = try txn.get(db, key: Array("s:\(state)".utf8))
                    rows[state] = try stored.map { WorkloadRow(json: try JSONParser.parse($0)) } ?? WorkloadRow(state: state)
                }
                for (c, s) in summaries.sorted(by: { $0.key < $1.key }) {
                    if let old = olds[c] { WorkloadRow.apply(old, sign: -1, to: &rows) }
                    if let s {
                        WorkloadRow.apply(s, sign: 1, to: &rows)
                        try txn.put(db, key: Array("c:\(c)".utf8), value: CanonicalJSON.encode(s.json))
                    } else {
                        try txn.delete(db, key: Array("c:\(c)".utf8))
                    }
                }
                for (state, r) in rows.sorted(by: { $0.key < $1.key }) {
                    try txn.put(db, key: Array("s:\(state)".utf8), value: CanonicalJSON.encode(r.json))
                }
            case .meetings:
                // Which meetings each case was and is presented at.
                var olds: [String: [String]] = [:]
                var news: [String: [String]] = [:]
                for (c, s) in summaries {
                    olds[c] = try txn.get(db, key: Array("c:\(c)".utf8)).map { try JSONParser.parse($0).arrayValue?.compactMap(\.stringValue) ?? [] } ?? []
                    news[c] = Array(Set((s?.presentations ?? []).map(\.meeting))).sorted()
                }
                var ids = Set(meetings?.keys.map { $0 } ?? [])
                for c in summaries.keys { ids.formUnion(olds[c]! + news[c]!) }
                var views: [String: MeetingView] = [:]
                for id in ids {
                    let stored = try txn.get(db, key: Array("m:\(id)".utf8))
                    views[id] = try stored.map { MeetingView(json: try JSONParser.parse($0)) }
                        ?? MeetingView(NetworkState.Meeting(id: id, date: String(id.prefix(10))), presented: [])
                }
                if let meetings {
                    for (id, m) in meetings { views[id] = MeetingView(m, presented: views[id]?.presented ?? []) }
                }
                for c in summaries.keys.sorted() {
                    let old = olds[c]!, new = news[c]!
                    for id in old where !new.contains(id) { views[id]!.presented.removeAll { $0 == c } }
                    for id in new where !old.contains(id) { views[id]!.presented = (views[id]!.presented + [c]).sorted() }
                    if new.isEmpty {
                        try txn.delete(db, key: Array("c:\(c)".utf8))
                    } else {
                        try txn.put(db, key: Array("c:\(c)".utf8), value: CanonicalJSON.encode(.array(new.map(JSONValue.string))))
                    }
                }
                for (id, v) in views.sorted(by: { $0.key < $1.key }) {
                    try txn.put(db, key: Array("m:\(id)".utf8), value: CanonicalJSON.encode(v.json))
                }
            }
            try self.setAppliedSeq(txn, name, gen, through)
        }
    }

    // MARK: Rebuild (blue/green)

    /// Rebuilds `names` from zero into their inactive generation, then makes it active in one
    /// transaction. Readers keep seeing the old generation until the swap.
    /// - Returns: events folded.
    @discardableResult
    public func rebuild(_ names: [Name] = Name.allCases, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        var total: UInt64 = 0
        for name in names {
            let fresh = try env.read { txn in 1 - (try self.activeGeneration(txn, name)) }
            try env.write { txn in
                try txn.clear(self.generations[name]![fresh])
                try self.setAppliedSeq(txn, name, fresh, 0)
            }
            total += try catchUp(name, generation: fresh, progress: progress)
            // Swap, after a last catch-up of what was appended meanwhile.
            while true {
                _ = try catchUp(name, generation: fresh, progress: nil)
                let swapped: Bool = try env.write { txn in
                    guard try self.appliedSeq(txn, name, fresh) == (try self.log.size()) else { return false }
                    try txn.put(self.meta, key: Array("active.\(name.rawValue)".utf8), value: [UInt8(fresh)])
                    return true
                }
                if swapped { break }
            }
        }
        return total
    }

    // MARK: Reads (active generation)

    /// Every entry of a generation, for tests that compare generations byte for byte.
    public func dump(_ name: Name, generation: Int? = nil) throws -> [Entry] {
        try env.read { txn in
            let gen = try generation ?? self.activeGeneration(txn, name)
            return try txn.withCursor(self.generations[name]![gen]) { c in
                var out: [Entry] = []
                var e = try c.first()
                while let x = e {
                    out.append(x)
                    e = try c.next()
                }
                return out
            }
        }
    }

    public func activeGeneration(_ name: Name) throws -> Int { try env.read { txn in try self.activeGeneration(txn, name) } }

    /// Every case summary, by case id.
    public func caseSummaries() throws -> [CaseSummary] {
        try dump(.cases).map { try CaseSummary(json: try JSONParser.parse($0.value)) }
    }

    public func caseSummary(_ caseID: String) throws -> CaseSummary? {
        try env.read { txn in
            try txn.get(self.generations[.cases]![try self.activeGeneration(txn, .cases)], key: Array(caseID.utf8))
        }.map { try CaseSummary(json: try JSONParser.parse($0)) }
    }

    /// The workload projection's all-time rows, every Member State in the domain's order.
    public func workloadRows() throws -> [WorkloadRow] {
        var rows: [String: WorkloadRow] = [:]
        for e in try dump(.workload) where e.key.starts(with: Array("s:".utf8)) {
            let r = WorkloadRow(json: try JSONParser.parse(e.value))
            rows[r.state] = r
        }
        return (Codes.memberStates + rows.keys.filter { !Codes.isMemberState($0) }.sorted()).map { rows[$0] ?? WorkloadRow(state: $0) }
    }

    /// Every meeting, by date.
    public func meetings() throws -> [MeetingView] {
        try dump(.meetings).filter { $0.key.starts(with: Array("m:".utf8)) }
            .map { MeetingView(json: try JSONParser.parse($0.value)) }
            .sorted { ($0.date, $0.id) < ($1.date, $1.id) }
    }

    /// Checks the projections' invariants: every generation at or below the log's size, and the
    /// workload rows equal to the sum of the case summaries.
    public func checkInvariants() throws {
        let size = try log.size()
        for name in Name.allCases {
            for gen in [0, 1] {
                let seq = try env.read { txn in try self.appliedSeq(txn, name, gen) }
                guard seq <= size else { throw LedgerError(.corrupt, "projection \(name.rawValue).\(gen) is past the log's end") }
            }
        }
        if try appliedSeq(.workload) == appliedSeq(.cases) {
            guard try WorkloadRow.rows(caseSummaries()) == workloadRows() else {
                throw LedgerError(.corrupt, "the workload projection differs from the sum of the case projection")
            }
        }
    }
}
