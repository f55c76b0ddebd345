import LMDB
import Synchronization

/// A table that a layer above the log keeps beside it in the ledger (projections, peers, the
/// witness, the federation's policy and cosignatures). Only these names exist: the log's own
/// databases are reached through ``EventLog``'s methods, never as tables.
public struct Table: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }

    /// Peers (origin → what is known of it), their checkpoints, their mirrored leaves, where each
    /// imported event sits in its origin's log, fork evidence, exports made.
    public static let peers = Table("peers")
    public static let peerCheckpoints = Table("peer-checkpoints")
    public static let mirror = Table("mirror")
    public static let placed = Table("placed")
    public static let peerForks = Table("peer-forks")
    public static let exports = Table("exports")
    /// The witness: the latest cosigned checkpoint per origin, and the conflicts it refused.
    public static let witness = Table("witness")
    public static let witnessConflicts = Table("witness-conflicts")
    /// The federation: the trust policy, cosignatures collected, how far each origin was synced.
    public static let policy = Table("policy")
    public static let cosignatures = Table("cosignatures")
    public static let sync = Table("sync")
    /// The projections' bookkeeping (active generation, last sequence applied) and their data:
    /// `projection(name, generation)`.
    public static let projectionMeta = Table("proj.meta")
    public static func projection(_ name: String, generation: Int) -> Table { Table("proj.\(name).\(generation)") }

    /// Every table opened when a ledger is (projection names are the three of ``ProjectionStore``
    /// and the case index and findings kept with the case projection).
    static let known: [Table] =
        [
            peers, peerCheckpoints, mirror, placed, peerForks, exports, witness, witnessConflicts, policy, cosignatures, sync,
            projectionMeta,
        ] + ["cases", "workload", "meetings", "case-index", "case-findings"].flatMap { name in [0, 1].map { projection(name, generation: $0) } }
}

/// One read snapshot of the whole ledger, lent to the closure of ``EventLog/read(_:)`` (or seen
/// through ``WriteScope/snapshot`` inside a write): everything read through it is as of one
/// moment. It cannot be copied or kept; values it returns are copies.
public struct Snapshot: ~Copyable {
    let txn: Transaction
    let log: EventLog

    init(_ txn: borrowing Transaction, log: EventLog) {
        self.txn = txn.lent()
        self.log = log
    }

    /// The value under `key` in `table`, or nil (also when the table was never written).
    public func get(_ table: Table, _ key: [UInt8]) throws -> [UInt8]? {
        guard let db = try log.handle(table, in: txn) else { return nil }
        return try txn.get(db, key: key)
    }

    /// Calls `body` with each key and value of `table` in key order, from the first key >= `start`;
    /// `body` returns false to stop. One cursor, inside this snapshot.
    public func forEach(_ table: Table, from start: [UInt8]? = nil, _ body: (_ key: [UInt8], _ value: [UInt8]) throws -> Bool) throws {
        guard let db = try log.handle(table, in: txn) else { return }
        try txn.forEach(db, from: start) { try body($0.key, $0.value) }
    }

    /// Calls `body` with each key and value of `table` in key order, in place in the map: no copy,
    /// the buffers valid only during the call (copy what must outlive it). `body` returns false to
    /// stop. For scans of many small entries.
    public func forEachInPlace(_ table: Table, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        guard let db = try log.handle(table, in: txn) else { return }
        try txn.forEachInPlace(db, body)
    }

    /// The number of entries in `table` (0 when it was never written).
    public func count(_ table: Table) throws -> Int {
        guard let db = try log.handle(table, in: txn) else { return 0 }
        return try txn.count(db)
    }
}

/// The ledger's single write transaction, lent to the closure of ``EventLog/write(_:)``: it
/// commits when the closure returns and aborts when it throws. Reads inside it go through
/// ``snapshot`` and see its own writes.
public struct WriteScope: ~Copyable {
    public let snapshot: Snapshot
    let created: CreatedTables

    init(_ txn: borrowing Transaction, log: EventLog, created: CreatedTables) {
        self.snapshot = Snapshot(txn, log: log)
        self.created = created
    }

    private func open(_ table: Table) throws -> Database {
        if let db = try snapshot.log.handle(table, in: snapshot.txn) { return db }
        let db = try snapshot.txn.database(named: table.name, create: true)
        created.add(table, db)
        return db
    }

    /// The value under `key` in `table` as this transaction holds it (``Snapshot/get(_:_:)``).
    public func get(_ table: Table, _ key: [UInt8]) throws -> [UInt8]? { try snapshot.get(table, key) }

    /// Stores `value` under `key` in `table`, creating the table with this transaction.
    public func put(_ table: Table, _ key: [UInt8], _ value: [UInt8]) throws {
        try snapshot.txn.put(try open(table), key: key, value: value)
    }

    /// Deletes `key` from `table`; returns false when it was absent.
    @discardableResult
    public func delete(_ table: Table, _ key: [UInt8]) throws -> Bool {
        guard let db = try snapshot.log.handle(table, in: snapshot.txn) else { return false }
        return try snapshot.txn.delete(db, key: key)
    }

    /// Removes every entry of `table` (the table stays).
    public func clear(_ table: Table) throws {
        guard let db = try snapshot.log.handle(table, in: snapshot.txn) else { return }
        try snapshot.txn.clear(db)
    }
}

/// The tables a write transaction created: known to the log once it commits
/// (``EventLog/writeTables(_:)``).
final class CreatedTables {
    private(set) var tables: [Table: Database] = [:]
    func add(_ table: Table, _ db: Database) { tables[table] = db }
    /// A write that runs again (the map grew) starts with none: the first attempt's were aborted.
    func reset() { tables = [:] }
}

extension EventLog {
    /// The handle of `table`: opened once per process (when the ledger is opened, or by the
    /// write that created it); a table another process created since is opened inside `txn`.
    func handle(_ table: Table, in txn: borrowing Transaction) throws -> Database? {
        if let db = tables.withLock({ $0[table] }) { return db }
        do {
            return try txn.database(named: table.name, create: false)
        } catch let error as LMDBError where error.code == .notFound {
            return nil
        }
    }

    /// Opens every known table that exists; called once, when the ledger is opened.
    static func openTables(_ env: Environment) throws -> [Table: Database] {
        var out: [Table: Database] = [:]
        for table in Table.known {
            do {
                out[table] = try env.database(named: table.name, create: false)
            } catch let error as LMDBError where error.code == .notFound {
                continue
            }
        }
        return out
    }
}

// Inside Ledger, the log's own databases are read through a snapshot as through its transaction.
extension Snapshot {
    func get(_ db: Database, key: [UInt8]) throws -> [UInt8]? { try txn.get(db, key: key) }
    func forEach(_ db: Database, from start: [UInt8]? = nil, _ body: (Entry) throws -> Bool) throws {
        try txn.forEach(db, from: start, body)
    }
    func withCursor<R>(_ db: Database, _ body: (borrowing Cursor) throws -> R) throws -> R { try txn.withCursor(db, body) }
    func count(_ db: Database) throws -> Int { try txn.count(db) }
}
