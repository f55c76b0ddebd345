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
            let bytes = try log.read({ txn in try txn.get(db, key: Array(origin.utf8)) })
        else { return nil }
        let v = try JSONParser.parse(bytes)
        guard let key = v["node_key"]?.stringValue, let note = v["checkpoint"]?.stringValue else { return nil }
        let nodeKey = try VerifierKey(parsing: key)
        return PeerRecord(nodeKey: nodeKey, checkpointNote: note, checkpoint: try Checkpoint.verify(note: note, key: nodeKey))
    }

    /// Keeps every checkpoint of `origin` a verified bundle carried (by size), and the newest as
    /// the one held (never moves back).
    public func remember(origin: String, nodeKey: VerifierKey, checkpointNote: String, checkpoint: Checkpoint) throws {
        guard let seen = try log.database(named: "peer-checkpoints", create: true), let db = try database(create: true) else { return }
        let newer = try record(origin).map { $0.checkpoint.size < checkpoint.size } ?? true
        let value = CanonicalJSON.encode(.object(["node_key": .string(nodeKey.description), "checkpoint": .string(checkpointNote)]))
        try log.write { txn in
            try txn.put(seen, key: PeerStore.seenKey(origin, checkpoint.size), value: Array(checkpointNote.utf8))
            if newer { try txn.put(db, key: Array(origin.utf8), value: value) }
        }
    }

    static func seenKey(_ origin: String, _ size: UInt64) -> [UInt8] { Array(origin.utf8) + [0] + [UInt8](bigEndian: size) }

    /// The checkpoint note of `origin` at `size` that a verified bundle carried, if any.
    public func checkpoint(_ origin: String, size: UInt64) throws -> String? {
        guard let db = try log.database(named: "peer-checkpoints", create: false) else { return nil }
        return try log.read { txn in try txn.get(db, key: PeerStore.seenKey(origin, size)) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Evidence that `origin` signed two histories: the checkpoint held and the one presented
    /// that does not extend it, both signed by the origin's node key.
    public struct Fork: Sendable {
        public let origin: String
        public let held: String
        public let presented: String
        public let recorded: String
    }

    /// Keeps the two conflicting signed checkpoints (once per presented checkpoint).
    public func recordFork(origin: String, held: String, presented: String, at time: Timestamp = .now()) throws {
        guard let db = try log.database(named: "peer-forks", create: true) else { return }
        var digest = SHA256Context()
        digest.update(Array(presented.utf8))
        let key = Array(origin.utf8) + [0] + digest.finish()
        let value = CanonicalJSON.encode(.object(["held": .string(held), "presented": .string(presented), "recorded": .string(time.description)]))
        try log.write { txn in
            if try txn.get(db, key: key) == nil { try txn.put(db, key: key, value: value) }
        }
    }

    /// Every origin this ledger holds a checkpoint of, by name.
    public func origins() throws -> [(origin: String, record: PeerRecord)] {
        guard let db = try database(create: false) else { return [] }
        var names: [String] = []
        try log.read { txn in
            try txn.forEach(db) { e in
                names.append(String(decoding: e.key, as: UTF8.self))
                return true
            }
        }
        return try names.compactMap { name in try record(name).map { (name, $0) } }
    }

    /// Every fork recorded, by origin.
    public func forks() throws -> [Fork] {
        guard let db = try log.database(named: "peer-forks", create: false) else { return [] }
        var out: [Fork] = []
        try log.read { txn in
            try txn.forEach(db) { e in
                let origin = String(decoding: e.key.prefix(while: { $0 != 0 }), as: UTF8.self)
                let v = try JSONParser.parse(e.value)
                out.append(
                    Fork(
                        origin: origin, held: v["held"]?.stringValue ?? "", presented: v["presented"]?.stringValue ?? "",
                        recorded: v["recorded"]?.stringValue ?? ""))
                return true
            }
        }
        return out
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
        var out: [UInt64] = []
        try log.read { txn in
            try txn.forEach(db) { e in
                out.append(e.key.bigEndianUInt64)
                return true
            }
        }
        return out
    }

    func recordExport(_ size: UInt64) throws {
        try log.write { txn in try txn.put(db, key: [UInt8](bigEndian: size), value: []) }
    }
}
