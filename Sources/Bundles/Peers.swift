import Foundation
import LMDB
import Ledger

/// What this ledger knows of another origin: its node key (trusted on first use) and the latest
/// checkpoint of it that a verified bundle carried.
public struct PeerRecord: Sendable {
    public let nodeKey: VerifierKey
    public let checkpointNote: String
    public let checkpoint: Checkpoint
}

/// The `peers` database: origin → what a verified bundle last proved of it.
public struct PeerStore {
    let log: EventLog

    public init(log: EventLog) {
        self.log = log
    }

    /// The database, created only when there is something to write (a refused import writes nothing).
    func database(create: Bool) throws -> Database? {
        try log.database(named: "peers", create: create)
    }

    public func record(_ origin: String) throws -> PeerRecord? {
        guard let db = try database(create: false),
              let bytes = try log.read({ txn in try txn.get(db, key: Array(origin.utf8)) }) else { return nil }
        let v = try JSONParser.parse(bytes)
        guard let key = v["node_key"]?.stringValue, let note = v["checkpoint"]?.stringValue else { return nil }
        let nodeKey = try VerifierKey(parsing: key)
        return PeerRecord(nodeKey: nodeKey, checkpointNote: note, checkpoint: try Checkpoint.verify(note: note, key: nodeKey))
    }

    /// Keeps the newest checkpoint of `origin` (never moves back).
    public func remember(origin: String, nodeKey: VerifierKey, checkpointNote: String, checkpoint: Checkpoint) throws {
        if let held = try record(origin), held.checkpoint.size >= checkpoint.size { return }
        let value = CanonicalJSON.encode(.object(["node_key": .string(nodeKey.description), "checkpoint": .string(checkpointNote)]))
        guard let db = try database(create: true) else { return }
        try log.write { txn in try txn.put(db, key: Array(origin.utf8), value: value) }
    }
}

/// The sizes at which this ledger exported bundles (so later bundles can prove growth since each).
struct ExportRecord {
    let log: EventLog
    let db: Database

    init(log: EventLog) throws {
        self.log = log
        guard let db = try log.database(named: "exports", create: true) else {
            throw LedgerError(.readOnly, "\(log.path) is read-only: export records the size it exported; run it where the ledger can be written")
        }
        self.db = db
    }

    func exportedSizes() throws -> [UInt64] {
        try log.read { txn in
            try txn.withCursor(db) { c in
                var out: [UInt64] = []
                var e = try c.first()
                while let x = e {
                    out.append(x.key.bigEndianUInt64)
                    e = try c.next()
                }
                return out
            }
        }
    }

    func recordExport(_ size: UInt64) throws {
        try log.write { txn in try txn.put(db, key: [UInt8](bigEndian: size), value: []) }
    }
}
