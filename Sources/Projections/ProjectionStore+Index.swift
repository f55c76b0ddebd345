import Agreement
import Ledger

/// The case index: one ``CaseCard`` per case, kept with the case projection, in the same
/// generation and the same transactions as the summaries (`proj.case-index.<gen>`). The case list
/// and the dashboard read the cards (a few bytes each, no JSON), then decode only the summaries a
/// page shows.
///
/// `proj.meta` holds `index.cases.<gen>`: the last sequence the generation's index applied, written
/// with the summaries' own (`seq.cases.<gen>`). The index is read only while the two agree. A
/// generation built before the index existed has none; one that a version without the index
/// caught up (an older `amparo` on the same ledger) has an older one: either way the case
/// projection is rebuilt once, by the first catch-up that can write (blue/green: readers keep the
/// old generation until the swap), and a read-only ledger is read without the index, every summary
/// decoded.
extension ProjectionStore {
    /// A table kept with the case projection, in its generations and transactions, with the
    /// sequence it is at in `proj.meta` (`<meta>.cases.<gen>`): read only while that sequence is
    /// the summaries' own.
    enum CaseTable: String {
        case index = "case-index"
        case findings = "case-findings"

        func table(_ gen: Int) -> Table { .projection(rawValue, generation: gen) }
        func metaKey(_ gen: Int) -> [UInt8] { Array("\(self == .index ? "index" : "findings").cases.\(gen)".utf8) }
    }

    static func indexTable(_ gen: Int) -> Table { CaseTable.index.table(gen) }

    /// The sequence generation `gen`'s `table` is at (0: none).
    func seq(of table: CaseTable, _ snapshot: borrowing Snapshot, _ gen: Int) throws -> UInt64? {
        guard let seq = try snapshot.get(.projectionMeta, table.metaKey(gen)), seq.count == 8 else { return nil }
        return seq.bigEndianUInt64
    }

    /// True when generation `gen`'s `table` is at the sequence its summaries are.
    func isCurrent(_ table: CaseTable, _ snapshot: borrowing Snapshot, _ gen: Int) throws -> Bool {
        try seq(of: table, snapshot, gen) == (try appliedSeq(snapshot, .cases, gen))
    }

    /// Empties generation `gen`'s `table`, at sequence 0 (a rebuild, from zero).
    func clear(_ table: CaseTable, _ txn: borrowing WriteScope, generation gen: Int) throws {
        try txn.clear(table.table(gen))
        try mark(table, txn, generation: gen, at: 0)
    }

    /// Records that generation `gen`'s `table` is at `seq`.
    func mark(_ table: CaseTable, _ txn: borrowing WriteScope, generation gen: Int, at seq: UInt64) throws {
        try txn.put(.projectionMeta, table.metaKey(gen), [UInt8](bigEndian: seq))
    }

    /// Writes the cards of the touched cases (``apply``, with their summaries) and the sequence
    /// the index is at.
    func applyIndex(_ txn: borrowing WriteScope, generation gen: Int, summaries: [String: Encoded?], through: UInt64) throws {
        let table = ProjectionStore.indexTable(gen)
        for (c, s) in summaries.sorted(by: { $0.key < $1.key }) {
            if let s { try txn.put(table, Array(c.utf8), CaseCard(s.summary).bytes) } else { try txn.delete(table, Array(c.utf8)) }
        }
        try mark(.index, txn, generation: gen, at: through)
    }

    /// Rebuilds the case projection once when its active generation's index is missing or behind
    /// its summaries (an earlier version built or caught them up); a generation that applied
    /// nothing yet is only marked.
    /// - Returns: the events the rebuild folded (0 when none was needed).
    func ensureIndex(progress: ((UInt64, UInt64) -> Void)?) throws -> UInt64 {
        guard !log.isReadOnly else { return 0 }
        let (gen, applied, has) = try log.read { txn in
            let gen = try self.activeGeneration(txn, .cases)
            return (gen, try self.appliedSeq(txn, .cases, gen), try self.isCurrent(.index, txn, gen) && self.isCurrent(.findings, txn, gen))
        }
        guard !has else { return 0 }
        let marked: Bool = try log.write { txn in
            // Another process may have applied events meanwhile: only an empty generation is marked.
            guard try self.appliedSeq(txn.snapshot, .cases, gen) == 0, applied == 0 else { return false }
            try self.clear(.index, txn, generation: gen)
            try self.clear(.findings, txn, generation: gen)
            return true
        }
        return marked ? 0 : try rebuild([.cases], progress: progress)
    }

    /// Every case's card, by case id, from the active generation (one snapshot).
    package func caseCards() throws -> [CaseCard] { try scanCases { try $0.decoded() } }

    /// The summaries of `ids`, in that order (a case without one is left out).
    package func caseSummaries(_ ids: [String]) throws -> [CaseSummary] {
        try log.read { txn in
            let table = ProjectionStore.table(.cases, try self.activeGeneration(txn, .cases))
            return try ids.compactMap { id in try txn.get(table, Array(id.utf8)) }
        }.map { try CaseSummary(json: try JSONParser.parse($0)) }
    }
}

extension ProjectionStore {
    /// The entries of the active generation of `name` whose keys start with `prefix`, in key order.
    func entries(_ name: Name, prefix: String) throws -> [Row] {
        let start = Array(prefix.utf8)
        return try log.read { txn in
            var out: [Row] = []
            try txn.forEach(ProjectionStore.table(name, try self.activeGeneration(txn, name)), from: start) { key, value in
                guard key.starts(with: start) else { return false }
                out.append(Row(key: key, value: value))
                return true
            }
            return out
        }
    }

    /// Calls `body` with every case's stored card, in case-id order, in one snapshot, and returns
    /// what it kept. On a read-only ledger built before the index, the cards are made from the
    /// summaries first.
    /// - Throws: `.corrupt` at a card that is not whole (never skipped: a count would be wrong).
    package func scanCases<T>(_ body: (CaseCard.View) throws -> T?) throws -> [T] {
        let scanned: [T]? = try log.read { txn in
            let gen = try self.activeGeneration(txn, .cases)
            guard try self.isCurrent(.index, txn, gen) else { return nil }
            var out: [T] = []
            try txn.forEachInPlace(ProjectionStore.indexTable(gen)) { key, value in
                let card = CaseCard.View(key: key, value: value)
                guard CaseCard.isWellFormed(value) else { throw CaseCard.damaged(card.caseID) }
                if let kept = try body(card) { out.append(kept) }
                return true
            }
            return out
        }
        if let scanned { return scanned }
        return try caseSummaries().map(CaseCard.init).compactMap { card in
            let key = Array(card.caseID.utf8)
            let value = card.bytes
            return try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try body(CaseCard.View(key: k, value: v)) } }
        }
    }
}
