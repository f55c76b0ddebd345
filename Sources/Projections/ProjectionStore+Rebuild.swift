import Agreement
import Ledger

// MARK: Rebuild (blue/green)

extension ProjectionStore {
    /// Rebuilds `names` from zero into their inactive generation, then makes it active in one
    /// transaction. Readers keep seeing the old generation until the swap.
    ///
    /// Case by case, not event by event: every case of the log at the size the rebuild starts
    /// from is read and decoded once, in rounds of a bounded number of cases on every core, for its
    /// summary and its findings; each round is written in its own transaction (the generation is
    /// not active: no reader sees it), and the last one marks every projection at that size. What
    /// was appended meanwhile is then caught up as usual, and the generation swapped in. A rebuild
    /// that another process starts on the same generation takes it over: this one stops, without
    /// swapping, and its catch-up carries on with the active generation.
    ///
    /// `progress` hears (events folded, events to fold).
    /// - Returns: events folded (each event once per projection).
    @discardableResult
    package func rebuild(_ names: [Name] = Name.allCases, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> UInt64 {
        var token = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in token.indices { token[i] = UInt8.random(in: 0...255, using: &rng) }
        let (fresh, size, ids) = try log.read { txn in
            (try names.map { ($0, 1 - (try self.activeGeneration(txn, $0))) }, try self.log.size(), try self.log.caseIDs(prefix: ""))
        }
        let hasCases = fresh.contains { $0.0 == .cases }
        let acts = try NetworkFacts.of(log).filter { ($0.seq ?? .max) <= size }
        let meetings = fresh.contains { $0.0 == .meetings } ? try networkMeetings(through: size) : nil
        func ours(_ txn: borrowing WriteScope) throws -> Bool {
            for (name, gen) in fresh where try txn.snapshot.get(.projectionMeta, Self.rebuildKey(name, gen)) != token { return false }
            return true
        }
        try log.write { txn in
            for (name, gen) in fresh {
                try txn.clear(ProjectionStore.table(name, gen))
                try self.setAppliedSeq(txn, name, gen, 0)
                if name == .cases {
                    try self.clear(.index, txn, generation: gen)
                    try self.clear(.findings, txn, generation: gen)
                }
                try txn.put(.projectionMeta, Self.rebuildKey(name, gen), token)
                // The Network's meetings first: a presentation at one of them needs no stub.
                try self.write(txn, name, generation: gen, summaries: [:], findings: nil, meetings: meetings, through: 0)
            }
        }
        var done = UInt64(acts.count)
        let round = casesPerRound
        for start in stride(from: 0, to: ids.count, by: round) {
            let part = Array(ids[start..<min(start + round, ids.count)])
            let folded = try fold(part, summarizing: Set(part), judging: hasCases ? acts : nil, through: size)
            let written: Bool = try log.write { txn in
                guard try ours(txn) else { return false }
                for (name, gen) in fresh {
                    try self.write(txn, name, generation: gen, summaries: folded.summaries, findings: folded.findings, meetings: nil, through: 0)
                }
                return true
            }
            guard written else { return 0 }
            done += folded.events
            progress?(done, size)
        }
        let marked: Bool = try log.write { txn in
            guard try ours(txn) else { return false }
            for (name, gen) in fresh {
                try self.setAppliedSeq(txn, name, gen, size)
                _ = try txn.delete(.projectionMeta, Self.rebuildKey(name, gen))
                if name == .cases {
                    try self.applyIndex(txn, generation: gen, summaries: [:], through: size)
                    try self.applyFindings(txn, generation: gen, findings: [:], through: size)
                }
            }
            return true
        }
        guard marked else { return 0 }
        // Swap, after a last catch-up of what was appended meanwhile, all in one transaction.
        while true {
            _ = try catchUp(fresh, progress: nil)
            let swapped: Bool = try log.write { txn in
                let size = try self.log.size()
                for (name, gen) in fresh where try self.appliedSeq(txn.snapshot, name, gen) != size { return false }
                for (name, gen) in fresh {
                    try txn.put(.projectionMeta, Array("active.\(name.rawValue)".utf8), [UInt8(gen)])
                }
                let count = try txn.snapshot.get(.projectionMeta, Self.rebuildsKey).map { $0.count == 8 ? $0.bigEndianUInt64 : 0 } ?? 0
                try txn.put(.projectionMeta, Self.rebuildsKey, [UInt8](bigEndian: count + 1))
                return true
            }
            if swapped { break }
        }
        return size * UInt64(fresh.count)
    }

    private static func rebuildKey(_ name: Name, _ gen: Int) -> [UInt8] { Array("rebuild.\(name.rawValue).\(gen)".utf8) }
    private static let rebuildsKey = Array("rebuilds".utf8)

    /// How many rebuilds this ledger's projections went through (each `amparo rebuild`, and each
    /// one a catch-up found necessary): a figure to watch, as a rebuild reads the whole log.
    package func rebuildCount() throws -> UInt64 {
        try log.read { txn in try txn.get(.projectionMeta, Self.rebuildsKey).map { $0.count == 8 ? $0.bigEndianUInt64 : 0 } ?? 0 }
    }
}
