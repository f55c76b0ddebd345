import Agreement
import Foundation
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
package final class ProjectionStore: @unchecked Sendable {
    package enum Name: String, CaseIterable, Sendable {
        case cases, workload, meetings
    }

    package let log: EventLog

    /// Cases the caller already read and folded as of a size of the log (``catchUp(known:at:progress:)``).
    package struct KnownCases: Sendable {
        /// Each case's state folded from its events.
        package var states: [String: CaseState] = [:]
        /// Each case's events as facts, in log order, with their sequence and record time.
        package var facts: [String: [Fact]] = [:]
        /// Each case's breaches as one fold of its facts and the Network's finds them (ordered as
        /// ``Agreement/sorted(_:)``): taken, with its facts and state, instead of judging it again.
        package var breaches: [String: [Breach]] = [:]
        package init(states: [String: CaseState] = [:], facts: [String: [Fact]] = [:], breaches: [String: [Breach]] = [:]) {
            self.states = states
            self.facts = facts
            self.breaches = breaches
        }
    }

    /// Events folded per catch-up transaction (bounds memory whatever the backlog).
    package var chunk: UInt64 = 20_000

    /// Cases read and folded together (a rebuild's transaction; a round of a large catch-up): bounds memory.
    package var casesPerRound = 16 * Agreement.casesPerFold

    /// The projections of `log`: their tables are opened with the ledger, created by the first
    /// catch-up.
    /// - Throws: `.readOnly` on a read-only ledger whose projections were never built.
    package init(log: EventLog) throws {
        self.log = log
        if log.isReadOnly, try log.read({ try $0.count(.projectionMeta) }) == 0 {
            throw LedgerError(
                .readOnly, "\(log.path) is read-only and its projections were never built; run the report once on a writable copy of the ledger")
        }
    }

    static func table(_ name: Name, _ gen: Int) -> Table { .projection(name.rawValue, generation: gen) }

    // MARK: Meta

    func activeGeneration(_ snapshot: borrowing Snapshot, _ name: Name) throws -> Int {
        try snapshot.get(.projectionMeta, Array("active.\(name.rawValue)".utf8)) == [1] ? 1 : 0
    }

    func appliedSeq(_ snapshot: borrowing Snapshot, _ name: Name, _ gen: Int) throws -> UInt64 {
        try snapshot.get(.projectionMeta, Array("seq.\(name.rawValue).\(gen)".utf8))?.bigEndianUInt64 ?? 0
    }

    func setAppliedSeq(_ scope: borrowing WriteScope, _ name: Name, _ gen: Int, _ seq: UInt64) throws {
        try scope.put(.projectionMeta, Array("seq.\(name.rawValue).\(gen)".utf8), [UInt8](bigEndian: seq))
    }

    /// The last sequence the active generation of `name` applied.
    package func appliedSeq(_ name: Name) throws -> UInt64 {
        try log.read { txn in try self.appliedSeq(txn, name, try self.activeGeneration(txn, name)) }
    }

    // MARK: Catch-up

    /// Brings every projection's active generation up to the log's current size.
    /// - Returns: how many events were applied (summed over projections).
    @discardableResult
    ///
    /// `known`: some cases as of the log at `size` events, already read and folded (the write
    /// path's judgement folds the touched cases with the new acts): a chunk that ends at `size`
    /// takes their states and events instead of reading and folding those cases again. The states
    /// are those the cases fold to from their events alone (no case update reads the Network);
    /// tests compare the projections after the command line's appends with a rebuild.
    package func catchUp(known: KnownCases = KnownCases(), at size: UInt64 = 0, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        let rebuilt = try ensureIndex(progress: progress)
        let gens = try log.read { txn in
            try Name.allCases.map { ($0, try self.activeGeneration(txn, $0)) }
        }
        return rebuilt + (try catchUp(gens, known: known, at: size, progress: progress))
    }

    /// Applies the events after each generation's last sequence, in chunks. Projections at the same
    /// sequence are caught up together: one fold of the touched cases, one transaction holding
    /// every projection's data and last sequence.
    func catchUp(
        _ targets: [(Name, Int)], known: KnownCases = KnownCases(), at size: UInt64 = 0, progress: ((UInt64, UInt64) -> Void)?
    ) throws -> UInt64 {
        let target = try log.size()
        var applied: UInt64 = 0
        let first = try log.read { txn in try targets.map { try self.appliedSeq(txn, $0.0, $0.1) }.min() ?? target }
        var findingsFrom: UInt64? = nil
        // `owed` holds every case an act in (findingsFrom, owedThrough] touched or reached, with no
        // gap: another process may apply chunks between two of ours (we then start again further
        // on), and the acts we did not read must still be judged when the findings are written.
        var owedThrough: UInt64 = 0
        var owed = Set<String>()
        while true {
            let seqs = try log.read { txn in try targets.map { try self.appliedSeq(txn, $0.0, $0.1) } }
            guard let from = seqs.min(), from < target else { break }
            let group = zip(targets, seqs).filter { $0.1 == from }.map(\.0)
            let to = min(target, from + chunk, seqs.filter { $0 > from }.min() ?? target)
            var touched = Set<String>()
            var network = false
            try log.forEachRaw(from: from + 1, to: to) { raw in
                if let c = SignedEvent.caseID(inCanonical: raw.bytes) { touched.insert(c) } else { network = true }
                return true
            }
            let meetings = network && group.contains(where: { $0.0 == .meetings }) ? try networkMeetings(through: to) : nil
            // The touched cases' summaries. Their findings, and those of the cases the Network's
            // acts reach, are owed until the last chunk (when the findings were where the cases
            // were as this catch-up began): each case is judged once, as of the end, however many
            // chunks touched it.
            var judged: Set<String>? = nil
            var acts: [Fact] = []
            if let gen = group.first(where: { $0.0 == .cases })?.1 {
                if findingsFrom == nil, try log.read({ try self.seq(of: .findings, $0, gen) }) == from {
                    findingsFrom = from
                    owedThrough = from
                }
                if findingsFrom != nil {
                    acts = try NetworkFacts.of(log).filter { ($0.seq ?? .max) <= to }
                    owed.formUnion(touched)
                    var reached = network
                    if owedThrough < from {
                        // Acts another process applied since our last chunk: owed all the same.
                        try log.forEachRaw(from: owedThrough + 1, to: from) { raw in
                            if let c = SignedEvent.caseID(inCanonical: raw.bytes) { owed.insert(c) } else { reached = true }
                            return true
                        }
                    }
                    if reached {
                        let reach = NetworkReach(new: acts.filter { ($0.seq ?? 0) > min(from, owedThrough) }, network: acts)
                        owed.formUnion(try self.cases(reachedBy: reach, generation: gen))
                    }
                    owedThrough = max(owedThrough, to)
                    if to == target { judged = owed }
                }
            }
            let (summaries, findings, _) = try fold(
                touched.union(judged ?? []).sorted(), summarizing: touched, judging: judged == nil ? nil : acts, through: to,
                known: to == size ? known : KnownCases())
            try log.write { txn in
                for (name, gen) in group {
                    try self.apply(
                        txn, name, generation: gen, summaries: summaries, findings: findings.map { ($0, findingsFrom ?? 0) }, meetings: meetings,
                        through: to, expectedFrom: from)
                }
            }
            applied += (to - from) * UInt64(group.count)
            progress?(to - first, target - first)
        }
        return applied
    }

    /// The reimbursement terms the Network set (from its acts, decoded once per process).
    package func reimbursementTerms() throws -> ReimbursementTerms {
        ReimbursementTerms(try NetworkFacts.of(log))
    }

    /// The Network's meetings folded from the network events up to `through`.
    func networkMeetings(through: UInt64) throws -> [String: NetworkState.Meeting] {
        let facts = try log.rawEntries(inCase: "", through: through).map(Fact.init)
        return Agreement.state(facts).network.meetings
    }

    /// Writes the new state of the touched cases (and of the meetings, when given) into generation
    /// `gen` of `name`, and its last sequence `through`, inside `txn`. Never skips or re-applies:
    /// when the generation is no longer at `expectedFrom`, another process (a report, an append's
    /// catch-up) applied these events first; its work stands and nothing is written here.
    func apply(
        _ txn: borrowing WriteScope, _ name: Name, generation gen: Int, summaries: [String: Encoded?],
        findings: (cases: [String: [UInt8]?], from: UInt64)?, meetings: [String: NetworkState.Meeting]?, through: UInt64, expectedFrom: UInt64
    ) throws {
        let applied = try self.appliedSeq(txn.snapshot, name, gen)
        let size = try log.size()
        guard applied <= size else {
            throw LedgerError(
                .corrupt, "projection \(name.rawValue) is at sequence \(applied), past the log's end (\(size)): it is damaged; run `amparo rebuild`")
        }
        guard applied == expectedFrom else { return }
        // Findings advance only from where they are: at or after `findings.from`, where the catch-up
        // found them (another process may have moved them on since; `f.cases` judges every case an
        // act after `f.from` touched or reached, so it holds for any point from there).
        let findings = try findings.flatMap { f in try (seq(of: .findings, txn.snapshot, gen) ?? 0) >= f.from ? f.cases : nil }
        try write(txn, name, generation: gen, summaries: summaries, findings: findings, meetings: meetings, through: through)
        try self.setAppliedSeq(txn, name, gen, through)
    }

    /// Writes the new state of the touched cases, their findings (when given) and the meetings
    /// (when given) into generation `gen` of `name`; the index and the findings are marked at
    /// `through`.
    func write(
        _ txn: borrowing WriteScope, _ name: Name, generation gen: Int, summaries: [String: Encoded?], findings: [String: [UInt8]?]?,
        meetings: [String: NetworkState.Meeting]?, through: UInt64
    ) throws {
        let db = ProjectionStore.table(name, gen)
        switch name {
        case .cases:
            for (c, s) in summaries.sorted(by: { $0.key < $1.key }) {
                if let s { try txn.put(db, Array(c.utf8), s.bytes) } else { try txn.delete(db, Array(c.utf8)) }
            }
            try applyIndex(txn, generation: gen, summaries: summaries, through: through)
            if let findings { try applyFindings(txn, generation: gen, findings: findings, through: through) }
        case .workload:
            // Take each case's old contribution back and add its new one.
            var olds: [String: CaseSummary] = [:]
            for c in summaries.keys {
                if let bytes = try txn.get(db, Array("c:\(c)".utf8)) { olds[c] = try CaseSummary(json: try JSONParser.parse(bytes)) }
            }
            var states = Set<String>()
            for (c, s) in summaries {
                for x in [olds[c], s?.summary].compactMap({ $0 }) {
                    states.formUnion([x.requesting] + [x.assisting].compactMap { $0 } + x.claims.map(\.claimant))
                }
            }
            var rows: [String: WorkloadRow] = [:]
            for state in states {
                let stored = try txn.get(db, Array("s:\(state)".utf8))
                rows[state] = try stored.map { try WorkloadRow(json: try JSONParser.parse($0)) } ?? WorkloadRow(state: state)
            }
            for (c, s) in summaries.sorted(by: { $0.key < $1.key }) {
                if let old = olds[c] { WorkloadRow.apply(old, sign: -1, to: &rows) }
                if let s {
                    WorkloadRow.apply(s.summary, sign: 1, to: &rows)
                    try txn.put(db, Array("c:\(c)".utf8), s.bytes)
                } else {
                    try txn.delete(db, Array("c:\(c)".utf8))
                }
            }
            for (state, r) in rows.sorted(by: { $0.key < $1.key }) {
                try txn.put(db, Array("s:\(state)".utf8), CanonicalJSON.encode(r.json))
            }
        case .meetings:
            // Meeting views ("m:<id>") hold the meeting's own facts; who presented there is one key
            // per case ("p:<meeting>\u{0}<case>"), so updating a case never rewrites a list that
            // grows with the ledger. "c:<case>" remembers where the case was presented.
            if let meetings {
                for (id, m) in meetings.sorted(by: { $0.key < $1.key }) {
                    try txn.put(db, Array("m:\(id)".utf8), CanonicalJSON.encode(MeetingView(m, presented: []).json))
                }
            }
            for (c, s) in summaries.sorted(by: { $0.key < $1.key }) {
                let key = Array("c:\(c)".utf8)
                let old = try txn.get(db, key).map { try JSONParser.parse($0).arrayValue?.compactMap(\.stringValue) ?? [] } ?? []
                let new = Array(Set((s?.summary.presentations ?? []).map(\.meeting))).sorted()
                for id in old where !new.contains(id) { try txn.delete(db, Array("p:\(id)".utf8) + [0] + Array(c.utf8)) }
                for id in new where !old.contains(id) {
                    try txn.put(db, Array("p:\(id)".utf8) + [0] + Array(c.utf8), [])
                    if try txn.get(db, Array("m:\(id)".utf8)) == nil {
                        // Presented at a meeting the Network has not recorded (yet): a stub from its id.
                        let stub = MeetingView(NetworkState.Meeting(id: id, date: String(id.prefix(10))), presented: [])
                        try txn.put(db, Array("m:\(id)".utf8), CanonicalJSON.encode(stub.json))
                    }
                }
                if new.isEmpty {
                    try txn.delete(db, key)
                } else {
                    try txn.put(db, key, CanonicalJSON.encode(.array(new.map(JSONValue.string))))
                }
            }
        }
    }

    /// One key and value of a projection's table, copied out of its snapshot.
    package struct Row: Sendable, Hashable {
        package let key: [UInt8]
        package let value: [UInt8]
    }

    /// A case summary and its canonical bytes, encoded once for every projection that stores it.
    struct Encoded: @unchecked Sendable {
        let summary: CaseSummary
        let bytes: [UInt8]
    }

    // MARK: Reads (active generation)

    /// Every entry of a generation, for tests that compare generations byte for byte.
    package func dump(_ name: Name, generation: Int? = nil) throws -> [Row] {
        try log.read { txn in
            let gen = try generation ?? self.activeGeneration(txn, name)
            var out: [Row] = []
            try txn.forEach(ProjectionStore.table(name, gen)) {
                out.append(Row(key: $0, value: $1))
                return true
            }
            return out
        }
    }

    package func activeGeneration(_ name: Name) throws -> Int { try log.read { txn in try self.activeGeneration(txn, name) } }

    /// Every case summary, by case id.
    package func caseSummaries() throws -> [CaseSummary] {
        let entries = try dump(.cases)
        return try concurrentMap(entries.count) { i in try CaseSummary(json: try JSONParser.parse(entries[i].value)) }
    }

    /// Every case filed on or before `date` (YYYY-MM-DD), as it stood at the end of that day: what
    /// a report "as of" the date counts. A case whose latest act is on or before the date is its
    /// summary; any other is folded again from its events that happened by then (every correction
    /// applied). One snapshot: the case index says which cases were filed by the date (only their
    /// summaries are read), and their summaries and events are read up to the sequence the
    /// projection applied.
    package func caseSummaries(asOf date: String) throws -> [CaseSummary] {
        guard let day = Timestamp(parsing: date) else { throw LedgerError(.usage, "\(date) is not a date YYYY-MM-DD") }
        let end = Timestamp(milliseconds: day.milliseconds + 86_400_000 - 1)
        let filedBy = Array(date.utf8)
        return try log.snapshot {
            let ids = try scanCases { card -> String? in
                guard let filed = card.bytes(.filed), !filedBy.lexicographicallyPrecedes(filed) else { return nil }
                return card.caseID
            }
            let (through, entries) = try log.read { txn in
                let gen = try self.activeGeneration(txn, .cases)
                let table = ProjectionStore.table(.cases, gen)
                return (try self.appliedSeq(txn, .cases, gen), try ids.compactMap { id in try txn.get(table, Array(id.utf8)) })
            }
            // Decoded on every core; the cases acted on after the date are read here, in the
            // snapshot, then folded again on every core.
            let summaries = try concurrentMap(entries.count) { i in try CaseSummary(json: try JSONParser.parse(entries[i])) }
            var out: [CaseSummary?] = []
            var again: [(at: Int, raws: [RawEntry])] = []
            for summary in summaries {
                guard let filed = summary.filed, filed <= date else { continue }
                if let last = summary.lastActed, last <= date {
                    out.append(summary)
                    continue
                }
                again.append((out.count, try self.log.rawEntries(inCase: summary.caseID, through: through)))
                out.append(nil)
            }
            let refolded = try concurrentMap(again.count) { i -> CaseSummary? in
                let facts = try again[i].raws.map(Fact.init)
                guard let caseID = facts.first?.caseID, let state = Agreement.state(facts, through: end).cases[caseID], state.filed != nil else {
                    return nil
                }
                return CaseSummary(state)
            }
            for (i, summary) in refolded.enumerated() { out[again[i].at] = summary }
            return out.compactMap { $0 }
        }
    }

    package func caseSummary(_ caseID: String) throws -> CaseSummary? {
        try log.read { txn in
            try txn.get(ProjectionStore.table(.cases, try self.activeGeneration(txn, .cases)), Array(caseID.utf8))
        }.map { try CaseSummary(json: try JSONParser.parse($0)) }
    }

    /// The workload projection's all-time rows, every Member State in the domain's order.
    package func workloadRows() throws -> [WorkloadRow] {
        var rows: [String: WorkloadRow] = [:]
        for e in try entries(.workload, prefix: "s:") {
            let r = try WorkloadRow(json: try JSONParser.parse(e.value))
            rows[r.state] = r
        }
        return (Codes.memberStates + rows.keys.filter { !Codes.isMemberState($0) }.sorted()).map { rows[$0] ?? WorkloadRow(state: $0) }
    }

    /// Every meeting, by date, with the cases presented at it (without them: `presented` empty,
    /// and none of the one key per case presented is read).
    package func meetings(withPresented: Bool = true) throws -> [MeetingView] {
        let (views, cases) = try log.read { _ in
            (try entries(.meetings, prefix: "m:"), withPresented ? try entries(.meetings, prefix: "p:") : [])
        }
        var presented: [String: [String]] = [:]
        for e in cases {
            let rest = e.key.dropFirst(2)
            guard let zero = rest.firstIndex(of: 0) else { continue }
            presented[String(decoding: rest[..<zero], as: UTF8.self), default: []].append(String(decoding: rest[(zero + 1)...], as: UTF8.self))
        }
        let meetings = try views.map { e -> MeetingView in
            var v = try MeetingView(json: try JSONParser.parse(e.value))
            v.presented = (presented[v.id] ?? []).sorted()
            return v
        }
        return meetings.sorted { ($0.date, $0.id) < ($1.date, $1.id) }
    }

    /// Checks the projections' invariants: every generation at or below the log's size, the
    /// workload rows equal to the sum of the case summaries, and the case index the cards of the
    /// case summaries.
    package func checkInvariants() throws {
        let size = try log.size()
        for name in Name.allCases {
            for gen in [0, 1] {
                let seq = try log.read { txn in try self.appliedSeq(txn, name, gen) }
                guard seq <= size else { throw LedgerError(.corrupt, "projection \(name.rawValue).\(gen) is past the log's end") }
            }
        }
        if try appliedSeq(.workload) == appliedSeq(.cases) {
            guard try WorkloadRow.rows(caseSummaries()) == workloadRows() else {
                throw LedgerError(.corrupt, "the workload projection differs from the sum of the case projection")
            }
        }
        guard try caseCards() == caseSummaries().map(CaseCard.init) else {
            throw LedgerError(.corrupt, "the case index differs from the case projection")
        }
    }
}
