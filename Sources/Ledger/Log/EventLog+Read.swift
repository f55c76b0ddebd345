import LMDB
import Synchronization

/// An event as this node holds it.
public struct StoredEvent: Sendable {
    /// Position in this node's log, from 1.
    public let seq: UInt64
    /// When this node recorded it.
    public let recorded: Timestamp
    public let event: SignedEvent
}

/// An entry's raw bytes as stored (for the verifier, which must not trust the parser).
public struct RawEntry: Sendable {
    public let seq: UInt64
    public let recorded: Timestamp
    public let bytes: [UInt8]
}

extension EventLog {
    // One read form: `x()` reads the transaction the task is inside (``EventLog/snapshot(_:)``,
    // ``EventLog/read(_:)`` or a write), or opens one of its own. Several reads that must agree
    // run inside one `snapshot { }`. The `x(in:)` forms are this module's own.

    /// The number of events (the tree size).
    public func size() throws -> UInt64 {
        try read { try self.size(in: $0) }
    }

    /// The event at `seq`, or nil past the end.
    /// - Complexity: O(log n).
    public func event(at seq: UInt64) throws -> StoredEvent? {
        guard let raw = try rawEntry(at: seq) else { return nil }
        return try EventLog.decode(raw, path: path)
    }

    /// The event at `seq` in `snapshot`, or nil past the end.
    func event(in snapshot: borrowing Snapshot, at seq: UInt64) throws -> StoredEvent? {
        guard let raw = try rawEntry(in: snapshot, at: seq) else { return nil }
        return try EventLog.decode(raw, path: path)
    }

    /// The stored bytes at `seq`, unparsed.
    public func rawEntry(at seq: UInt64) throws -> RawEntry? {
        try read { try self.rawEntry(in: $0, at: seq) }
    }

    func rawEntry(in snapshot: borrowing Snapshot, at seq: UInt64) throws -> RawEntry? {
        try snapshot.get(db.events, key: EventLog.seqKey(seq)).map { EventLog.split($0, seq: seq) }
    }

    static func split(_ value: [UInt8], seq: UInt64) -> RawEntry {
        let ms = value.count >= 8 ? Int64(bitPattern: value.bigEndianUInt64) : 0
        return RawEntry(seq: seq, recorded: Timestamp(milliseconds: ms), bytes: Array(value.dropFirst(8)))
    }

    package static func decode(_ raw: RawEntry, path: String) throws -> StoredEvent {
        do {
            // The log's own bytes were checked canonical when appended and `verify` checks them
            // again; a read does not re-encode them to compare (a third of its cost).
            return StoredEvent(seq: raw.seq, recorded: raw.recorded, event: try SignedEvent(bytes: raw.bytes, checkCanonical: false))
        } catch {
            throw LedgerError(.corrupt, "\(path): the event at sequence \(raw.seq) is damaged (\(error.message))", advice: .verifyAndRestore)
        }
    }

    /// The sequence number of the event with `id`, or nil.
    /// - Complexity: O(log n).
    public func seq(of id: EventID) throws -> UInt64? {
        try read { try self.seq(in: $0, of: id) }
    }

    func seq(in snapshot: borrowing Snapshot, of id: EventID) throws -> UInt64? {
        try snapshot.get(db.ids, key: id.bytes)?.bigEndianUInt64
    }

    /// Calls `body` with each raw entry from `from` through `to` (inclusive), in order, inside one
    /// read snapshot. `body` returns false to stop.
    public func forEachRaw(from: UInt64 = 1, to: UInt64? = nil, _ body: (RawEntry) throws -> Bool) throws {
        try read { try self.forEachRaw(in: $0, from: from, to: to, body) }
    }

    /// The same, inside `snapshot`.
    func forEachRaw(
        in snapshot: borrowing Snapshot, from: UInt64 = 1, to: UInt64? = nil,
        _ body: (RawEntry) throws -> Bool
    ) throws {
        try snapshot.forEach(db.events, from: EventLog.seqKey(max(from, 1))) { e in
            let seq = e.key.bigEndianUInt64
            if let to, seq > to { return false }
            return try body(EventLog.split(e.value, seq: seq))
        }
    }

    /// Calls `body` with each event from `from` through `to`, in order. `body` returns false to stop.
    public func forEach(from: UInt64 = 1, to: UInt64? = nil, _ body: (StoredEvent) throws -> Bool) throws {
        try forEachRaw(from: from, to: to) { raw in try body(try EventLog.decode(raw, path: path)) }
    }

    /// The sequence numbers of a case's events, in log order (the empty case id: network events).
    /// - Complexity: O(log n + k) for k events of the case; no scan of the log.
    public func seqs(inCase caseID: String) throws -> [UInt64] {
        try read { try self.caseSeqs($0.txn, caseID, through: .max) }
    }

    /// The case index's entries for `caseID` up to `through`: one cursor walk from the case's first key.
    func caseSeqs(_ txn: borrowing Transaction, _ caseID: String, through: UInt64) throws -> [UInt64] {
        let prefix = Array(caseID.utf8) + [0]
        var out: [UInt64] = []
        try txn.forEach(db.cases, from: prefix) { e in
            guard e.key.count == prefix.count + 8, Array(e.key.prefix(prefix.count)) == prefix else { return false }
            let seq = Array(e.key.suffix(8)).bigEndianUInt64
            if seq <= through { out.append(seq) }
            return true
        }
        return out
    }

    /// The distinct case ids that begin with `prefix`, sorted (e.g. every `MX-2015-` case).
    public func caseIDs(prefix: String) throws -> [String] {
        try read { try self.caseIDs(in: $0, prefix: prefix) }
    }

    func caseIDs(in snapshot: borrowing Snapshot, prefix: String) throws -> [String] {
        let start = Array(prefix.utf8)
        return try snapshot.withCursor(db.cases) { cursor in
            var out: [String] = []
            var entry = try cursor.seek(atLeast: start.isEmpty ? [1] : start)
            while let e = entry, e.key.starts(with: start) {
                let id = String(decoding: e.key.prefix(while: { $0 != 0 }), as: UTF8.self)
                if out.last != id { out.append(id) }
                // Skip the rest of this case: seek past its last possible key.
                entry = try cursor.seek(atLeast: Array(id.utf8) + [1])
            }
            return out
        }
    }

    /// The network events (those without a case), in log order; no scan of the log.
    public func networkEvents() throws -> [StoredEvent] {
        try events(inCase: "")
    }

    /// The raw entries of a case up to `through`, in log order, read in one snapshot.
    public func rawEntries(inCase caseID: String, through: UInt64 = .max) throws -> [RawEntry] {
        try read { try self.rawEntries(in: $0, inCase: caseID, through: through) }
    }

    func rawEntries(in snapshot: borrowing Snapshot, inCase caseID: String, through: UInt64 = .max) throws -> [RawEntry] {
        try caseSeqs(snapshot.txn, caseID, through: through).compactMap { seq in
            try snapshot.get(db.events, key: EventLog.seqKey(seq)).map { EventLog.split($0, seq: seq) }
        }
    }

    /// The events of a case, in log order.
    public func events(inCase caseID: String) throws -> [StoredEvent] {
        try rawEntries(inCase: caseID).map { try EventLog.decode($0, path: path) }
    }

    /// The events of a case in `snapshot`, in log order.
    func events(in snapshot: borrowing Snapshot, inCase caseID: String) throws -> [StoredEvent] {
        try rawEntries(in: snapshot, inCase: caseID).map { try EventLog.decode($0, path: path) }
    }

    /// The key events (genesis, registrations, revocations) in log order.
    public func keyEvents() throws -> [StoredEvent] {
        try read { try self.keyEvents(in: $0) }
    }

    /// The key events in `snapshot`, through `through`, in log order. An entry the key-event
    /// index names but that does not decode is skipped (the verifier reports it).
    func keyEvents(in snapshot: borrowing Snapshot, through: UInt64 = .max) throws -> [StoredEvent] {
        var seqs: [UInt64] = []
        try snapshot.forEach(db.keyEvents) { e in
            let seq = e.key.bigEndianUInt64
            guard seq <= through else { return false }
            seqs.append(seq)
            return true
        }
        return try seqs.compactMap { seq in try event(in: snapshot, at: seq) }
    }

    /// The key registry as the log's key events make it.
    /// - Parameter verifySignatures: false on the write path (see ``KeyRegistry/build(trustAnchor:keyEvents:verifySignatures:)``).
    public func keyRegistry(verifySignatures: Bool = true) throws -> KeyRegistry {
        try read { try self.keyRegistry(in: $0, verifySignatures: verifySignatures) }
    }

    func keyRegistry(in snapshot: borrowing Snapshot, verifySignatures: Bool = true) throws -> KeyRegistry {
        // The write path's registry is cached until the key-event index changes (another process
        // may append key events: the index's count and last sequence tell).
        let stamp: [UInt64] = [
            UInt64(try snapshot.count(db.keyEvents)),
            try snapshot.withCursor(db.keyEvents) { c in try c.last()?.key.bigEndianUInt64 ?? 0 },
        ]
        if !verifySignatures, let cached = registryCache.withLock({ $0 }), cached.stamp == stamp { return cached.registry }
        let events = try keyEvents(in: snapshot).map { ($0.seq, $0.event) }
        let registry = KeyRegistry.build(trustAnchor: trustAnchor, keyEvents: events, verifySignatures: verifySignatures).0
        if !verifySignatures { registryCache.withLock { $0 = (stamp, registry) } }
        return registry
    }

    // MARK: Tree, checkpoints, proofs

    /// The Merkle root of the first `size` events (default: all), from the stored tree.
    public func rootHash(size: UInt64? = nil) throws -> (size: UInt64, root: Hash32) {
        try read { try self.rootHash(in: $0, size: size) }
    }

    func rootHash(in snapshot: borrowing Snapshot, size: UInt64? = nil) throws -> (size: UInt64, root: Hash32) {
        let current = try self.size(snapshot.txn)
        let n = size ?? current
        guard n <= current else { throw LedgerError(.usage, "the log has \(current) events, fewer than \(n)") }
        return (n, try Merkle.root(size: n) { try self.subtree(snapshot.txn, $0, $1) })
    }

    /// The Merkle root of the first `size` events recomputed from the events' bytes (not from the
    /// stored tree, which a rewrite may have left as it was): what a proof check relies on.
    /// - Complexity: O(size) reads and hashes.
    public func recomputedRoot(size: UInt64) throws -> Hash32 { try read { try self.recomputedRoot(in: $0, size: size) } }

    func recomputedRoot(in snapshot: borrowing Snapshot, size: UInt64) throws -> Hash32 {
        var range = CompactRange()
        var count: UInt64 = 0
        try forEachRaw(in: snapshot, from: 1, to: size) { raw in
            range.append(Merkle.leafHash(raw.bytes))
            count += 1
            return true
        }
        guard count == size else {
            throw LedgerError(.usage, "the log holds \(count) events, fewer than \(size)")
        }
        return range.root
    }

    /// The signed checkpoint of the current tree; signed and stored when the tree grew since the
    /// last one, so the node never signs two different checkpoints of one size. On a read-only
    /// ledger, the last one signed.
    public func checkpoint() throws -> SignedNote {
        if isReadOnly {
            guard let (_, note) = try latestCheckpoint() else {
                throw LedgerError(.notFound, "\(path) holds no signed checkpoint")
            }
            return note
        }
        if let (size, note) = try latestCheckpoint(), try size == self.size() { return note }
        let key = try nodeSigningKey()
        return try writeTxn { txn in
            let size = try self.size(txn)
            if let held = try txn.get(db.checkpoints, key: EventLog.seqKey(size)) {
                return try SignedNote(parsing: String(decoding: held, as: UTF8.self))
            }
            let root = try Merkle.root(size: size) { try self.subtree(txn, $0, $1) }
            try self.storeCheckpoint(txn, Checkpoint(origin: name, size: size, root: root), key: key)
            let note = try Checkpoint(origin: name, size: size, root: root).signed(by: key)
            return note
        }
    }

    /// The stored checkpoint of the largest size.
    public func latestCheckpoint() throws -> (UInt64, SignedNote)? {
        try read { txn in
            try txn.withCursor(db.checkpoints) { cursor in
                guard let e = try cursor.last() else { return nil }
                return (e.key.bigEndianUInt64, try SignedNote(parsing: String(decoding: e.value, as: UTF8.self)))
            }
        }
    }

    /// Every stored checkpoint as (size, note text), by size.
    public func storedCheckpoints() throws -> [(size: UInt64, note: String)] {
        try read { try self.storedCheckpoints(in: $0) }
    }

    func storedCheckpoints(in snapshot: borrowing Snapshot) throws -> [(size: UInt64, note: String)] {
        var out: [(size: UInt64, note: String)] = []
        try snapshot.forEach(db.checkpoints) { e in
            out.append((e.key.bigEndianUInt64, String(decoding: e.value, as: UTF8.self)))
            return true
        }
        return out
    }

    /// The stored checkpoint of exactly `size`, if the node signed one.
    public func storedCheckpoint(size: UInt64) throws -> SignedNote? {
        try read { txn in
            try txn.get(db.checkpoints, key: EventLog.seqKey(size)).map { try SignedNote(parsing: String(decoding: $0, as: UTF8.self)) }
        }
    }

    /// The audit path of the event at `seq` in the tree of `size` events.
    /// - Complexity: O(log n) reads.
    public func inclusionProof(seq: UInt64, size: UInt64) throws -> [Hash32] {
        try readTxn { txn in
            let current = try self.size(txn)
            guard size <= current else { throw LedgerError(.usage, "the log has \(current) events; cannot prove against size \(size)") }
            guard seq >= 1, seq <= size else { throw LedgerError(.usage, "sequence \(seq) is not in a tree of \(size) events (1…\(size))") }
            return try Merkle.inclusionProof(leaf: seq - 1, size: size) { try self.subtree(txn, $0, $1) }
        }
    }

    /// The consistency proof from the tree of `old` events to the tree of `new` events.
    /// - Complexity: O(log n) reads.
    public func consistencyProof(from old: UInt64, to new: UInt64) throws -> [Hash32] {
        try read { try self.consistencyProof(in: $0, from: old, to: new) }
    }

    func consistencyProof(in snapshot: borrowing Snapshot, from old: UInt64, to new: UInt64) throws -> [Hash32] {
        let current = try self.size(snapshot.txn)
        guard new <= current else { throw LedgerError(.usage, "the log has \(current) events; --to \(new) is past its end") }
        guard old <= new else { throw LedgerError(.usage, "--from \(old) is larger than --to \(new)") }
        guard old > 0, old < new else { return [] }
        return try Merkle.consistencyProof(from: old, to: new) { try self.subtree(snapshot.txn, $0, $1) }
    }

    /// The stored subtree hash (level, index), for the verifier.
    public func storedSubtree(level: Int, index: UInt64) throws -> Hash32? { try read { try self.storedSubtree(in: $0, level: level, index: index) } }

    func storedSubtree(in snapshot: borrowing Snapshot, level: Int, index: UInt64) throws -> Hash32? {
        try snapshot.get(db.tree, key: [UInt8](bigEndian: Merkle.storageIndex(level: level, index: index)))
    }

    /// How many hashes the tree database holds.
    func storedHashCount(in snapshot: borrowing Snapshot) throws -> UInt64 {
        UInt64(try snapshot.count(db.tree))
    }

    /// How many entries the id index holds.
    func idIndexCount(in snapshot: borrowing Snapshot) throws -> Int {
        try snapshot.count(db.ids)
    }
}
