import Agreement
import Ledger
import Synchronization

/// The Network's acts (those without a case) as facts, decoded once per process and ledger: a
/// case's replay and the write path's judgement fold all of them in with the case, and they change
/// rarely (a meeting, a State joining). The cached facts are used only while the log's Network
/// entries (sequence, record time, bytes) are byte for byte the ones they were decoded from, so an
/// append to the Network, or another ledger at the same path, decodes them again. Read inside the
/// caller's transaction (a snapshot, or the write transaction of an append).
package enum NetworkFacts {
    package static func of(_ log: EventLog) throws -> [Fact] {
        let entries = try log.rawEntries(inCase: "")
        let hit = decoded.withLock { held -> [Fact]? in
            guard let held, held.path == log.path,
                held.entries.elementsEqual(entries, by: { $0.seq == $1.seq && $0.recorded == $1.recorded && $0.bytes == $1.bytes })
            else { return nil }
            return held.facts
        }
        if let hit { return hit }
        let facts = try entries.map { Fact(try EventLog.decode($0, path: log.path)) }
        decoded.withLock { $0 = (log.path, entries, facts) }
        return facts
    }

    private static let decoded = Mutex<(path: String, entries: [RawEntry], facts: [Fact])?>(nil)
}
