import Agreement
import Ledger

/// Stored findings: each case's verdict (``CaseFindings``), kept with the case projection in the
/// same generation and transactions (`proj.case-findings.<gen>`), so that a meeting report reads
/// the breaches of its cases instead of folding them again.
///
/// A catch-up judges again the cases its events touch, and, when it holds Network acts, the cases
/// those acts reach (``NetworkReach``, found by a scan of the stored footprints), with the
/// Network's acts up to the catch-up's last sequence. `proj.meta` holds `findings.cases.<gen>`,
/// the sequence the generation's findings are at; they are read only while it equals the
/// summaries' (`seq.cases.<gen>`), as the case index is (a ledger built before them is rebuilt
/// once by the first catch-up that can write; a read-only one is folded as before).
extension ProjectionStore {
    static func findingsTable(_ gen: Int) -> Table { CaseTable.findings.table(gen) }

    /// Writes the findings of the cases judged again (nil: a case with no events left to judge)
    /// and the sequence the findings are at.
    func applyFindings(_ txn: borrowing WriteScope, generation gen: Int, findings: [String: [UInt8]?], through: UInt64) throws {
        let table = ProjectionStore.findingsTable(gen)
        for (c, bytes) in findings.sorted(by: { $0.key < $1.key }) {
            if let bytes { try txn.put(table, Array(c.utf8), bytes) } else { try txn.delete(table, Array(c.utf8)) }
        }
        try mark(.findings, txn, generation: gen, at: through)
    }

    /// The cases of generation `gen` whose stored footprint `reach` reaches, read in place.
    /// - Throws: `.corrupt` at stored findings that are not whole.
    func cases(reachedBy reach: NetworkReach, generation gen: Int) throws -> [String] {
        guard !reach.isEmpty else { return [] }
        return try log.read { txn in
            var out: [String] = []
            try txn.forEachInPlace(ProjectionStore.findingsTable(gen)) { key, value in
                guard let f = CaseFindings.Footprint(value) else { throw ProjectionStore.damagedFindings(String(decoding: key, as: UTF8.self)) }
                func text(_ r: Range<Int>) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: value[r]), as: UTF8.self) }
                if reach.reaches(concluded: f.concluded.map(text), codes: f.codes.lazy.map(text), meetings: f.meetings.lazy.map(text)) {
                    out.append(String(decoding: key, as: UTF8.self))
                }
                return true
            }
            return out
        }
    }

    /// The stored breaches of `ids` (a case with none is absent), from the active generation; nil
    /// when that generation's findings are not current (a read-only ledger built before them).
    /// - Throws: `.corrupt` at stored findings that do not read back.
    package func caseFindings(_ ids: [String]) throws -> [String: [DatedBreach]]? {
        let stored: [(String, [UInt8])]? = try log.read { txn in
            let gen = try self.activeGeneration(txn, .cases)
            guard try self.isCurrent(.findings, txn, gen) else { return nil }
            let table = ProjectionStore.findingsTable(gen)
            return try ids.compactMap { id in try txn.get(table, Array(id.utf8)).map { (id, $0) } }
        }
        guard let stored else { return nil }
        let decoded = try concurrentMap(stored.count) { i -> [DatedBreach] in
            guard let f = CaseFindings(bytes: stored[i].1) else { throw ProjectionStore.damagedFindings(stored[i].0) }
            return f.breaches
        }
        var out: [String: [DatedBreach]] = [:]
        for (i, breaches) in decoded.enumerated() where !breaches.isEmpty { out[stored[i].0] = breaches }
        return out
    }

    static func damagedFindings(_ caseID: String) -> LedgerError {
        LedgerError(.corrupt, "the stored findings of \(caseID) are damaged; run `amparo rebuild`")
    }

    /// Folds `cases` as of `through`, in rounds of a bounded number of cases, each case's events
    /// read and decoded once: the summaries of those in `summarizing` (a case in `known`, read and
    /// folded by the write path, is taken as it is), and, with `network` (the Network's acts up to
    /// `through`), every case's findings (nil for a case with no events by then); and how many
    /// events were read.
    func fold(
        _ cases: [String], summarizing: Set<String>, judging network: [Fact]?, through: UInt64, known: KnownCases = KnownCases()
    ) throws -> (summaries: [String: Encoded?], findings: [String: [UInt8]?]?, events: UInt64) {
        var summaries: [String: Encoded?] = [:]
        var events: UInt64 = 0
        var findings: [String: [UInt8]?]? = network == nil ? nil : [:]
        let round = casesPerRound
        for start in stride(from: 0, to: cases.count, by: round) {
            let ids = Array(cases[start..<min(start + round, cases.count)])
            let folded = try concurrentMap(ids.count) { i -> (facts: [Fact], summary: Encoded??) in
                let id = ids[i]
                let facts =
                    try known.facts[id] ?? (network == nil && known.states[id] != nil ? [] : self.log.rawEntries(inCase: id, through: through).map(Fact.init))
                guard summarizing.contains(id) else { return (facts, nil) }
                let state = known.states[id] ?? Agreement.state(facts).cases[id]
                let summary = state.flatMap { $0.filed == nil ? nil : CaseSummary($0) }
                return (facts, .some(summary.map { Encoded(summary: $0, bytes: CanonicalJSON.encode($0.json)) }))
            }
            for (i, f) in folded.enumerated() {
                if let s = f.summary { summaries[ids[i]] = s }
                events += UInt64(f.facts.count)
            }
            guard let network else { continue }
            // A case the write path judged whole is taken as it judged it.
            var judge: [Int] = []
            for (i, id) in ids.enumerated() {
                guard let breaches = known.breaches[id], let facts = known.facts[id], let state = known.states[id] else {
                    judge.append(i)
                    continue
                }
                let dated = DatedBreach.dated(breaches, facts: facts)
                findings?[id] = CaseFindings(breaches: dated, state: state, facts: facts).bytes
            }
            let verdicts = Agreement.judged(judge.map { (id: ids[$0], facts: folded[$0].facts) }, network: network)
            for (k, v) in verdicts.enumerated() {
                let facts = folded[judge[k]].facts
                findings?[ids[judge[k]]] = facts.isEmpty ? nil : CaseFindings(breaches: v.breaches, state: v.state, facts: facts).bytes
            }
        }
        return (summaries, findings, events)
    }

    /// Every stored finding of the active generation (its key and bytes), for tests that compare
    /// a rebuild with a catch-up byte for byte.
    package func findingsRows() throws -> [Row] {
        try log.read { txn in
            var out: [Row] = []
            try txn.forEach(ProjectionStore.findingsTable(try self.activeGeneration(txn, .cases))) {
                out.append(Row(key: $0, value: $1))
                return true
            }
            return out
        }
    }
}
