import Foundation
import Ledger

/// What this ledger knows of another origin: its node key (trusted on first use), the latest
/// checkpoint of it that a verified bundle carried, and how many of that log's leaf hashes this
/// ledger mirrors (every bundle carries the leaves of each log it relays: docs/federation.md).
package struct PeerRecord: Sendable {
    package let nodeKey: VerifierKey
    package let checkpointNote: String
    package let checkpoint: Checkpoint
    /// Leaves held in the mirror: the checkpoint's size once a bundle of format 2 brought them.
    package let mirrored: UInt64
}

/// The `peers` database: origin → what a verified bundle last proved of it; `peer-checkpoints`,
/// every checkpoint of it a verified bundle carried; `mirror`, the leaf hashes of its log (origin ‖
/// 0x00 ‖ index → hash); `peer-forks`, the fork evidence this ledger found or was given.
package struct PeerStore {
    let log: EventLog

    package init(log: EventLog) {
        self.log = log
    }

    package func record(_ origin: String) throws -> PeerRecord? {
        guard let bytes = try log.read({ try $0.get(.peers, Array(origin.utf8)) }) else { return nil }
        let v = try JSONParser.parse(bytes)
        guard let key = v["node_key"]?.stringValue, let note = v["checkpoint"]?.stringValue else { return nil }
        let nodeKey = try VerifierKey(parsing: key)
        return PeerRecord(
            nodeKey: nodeKey, checkpointNote: note, checkpoint: try Checkpoint.verify(note: note, key: nodeKey),
            mirrored: UInt64(max(0, v["mirror"]?.integerValue ?? 0)))
    }

    /// Keeps where the event `id` was first recorded (`placed`: event id → origin ‖ 0x00 ‖ index),
    /// unless a placement of it is kept already.
    static func place(_ scope: borrowing WriteScope, _ id: EventID, origin: String, index: UInt64) throws {
        if try scope.get(.placed, id.bytes) == nil { try scope.put(.placed, id.bytes, seenKey(origin, index)) }
    }

    /// Where the event `id` was first recorded (origin and index), when this node received it from
    /// another; nil for this node's own events.
    package func placement(of id: EventID) throws -> (origin: String, index: UInt64)? {
        guard let v = try log.read({ try $0.get(.placed, id.bytes) }),
            let zero = v.firstIndex(of: 0), v.count == zero + 9
        else { return nil }
        return (String(decoding: v[..<zero], as: UTF8.self), Array(v[(zero + 1)...]).bigEndianUInt64)
    }

    /// Keeps every checkpoint of `origin` a verified bundle carried (by size), and the newest as
    /// the one held (never moves back), inside `txn`; with the log's leaves (`leaves`: 32 bytes each, from index 0) when
    /// the bundle carried them: the mirror grows by the leaves past what it held.
    func remember(
        _ txn: borrowing WriteScope, origin: String, nodeKey: VerifierKey, checkpointNote: String, checkpoint: Checkpoint,
        held: PeerRecord?, leaves: [UInt8]?
    ) throws {
        try txn.put(.peerCheckpoints, PeerStore.seenKey(origin, checkpoint.size), Array(checkpointNote.utf8))
        guard held.map({ $0.checkpoint.size < checkpoint.size }) ?? true else { return }
        // The leaves make the whole tree from index 0 (checked against this checkpoint, which was
        // placed as extending the one held): the mirror grows from wherever it stopped.
        var mirrored = held?.mirrored ?? 0
        if let leaves, UInt64(leaves.count / 32) == checkpoint.size {
            var i = mirrored
            while i < checkpoint.size {
                let at = Int(i) * 32
                try txn.put(.mirror, PeerStore.seenKey(origin, i), Array(leaves[at..<at + 32]))
                i += 1
            }
            mirrored = checkpoint.size
        }
        let value = CanonicalJSON.encode(
            .object(["node_key": .string(nodeKey.description), "checkpoint": .string(checkpointNote), "mirror": .number(Double(mirrored))]))
        try txn.put(.peers, Array(origin.utf8), value)
    }

    static func seenKey(_ origin: String, _ size: UInt64) -> [UInt8] { Array(origin.utf8) + [0] + [UInt8](bigEndian: size) }

    /// The checkpoint note of `origin` at `size` that a verified bundle carried, if any.
    package func checkpoint(_ origin: String, size: UInt64) throws -> String? {
        try log.read { try $0.get(.peerCheckpoints, PeerStore.seenKey(origin, size)) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The leaf hash at `index` of `origin`'s mirrored log, if this ledger mirrors it.
    package func mirroredLeaf(_ origin: String, _ index: UInt64) throws -> Hash32? {
        try log.read { try $0.get(.mirror, PeerStore.seenKey(origin, index)) }
    }

    /// RFC 6962 PROOF(m, D[n]) of `origin`'s mirrored log, read in one snapshot: what a witness
    /// needs to cosign a peer's checkpoint of `n` leaves after one of `m` (`amparo sync`).
    package func consistencyProof(_ origin: String, from m: UInt64, to n: UInt64) throws -> [Hash32] {
        guard 0 < m, m < n else { return [] }
        let path = log.path
        return try log.read { txn in
            try Merkle.consistencyProof(from: m, to: n) { level, index in
                try ForkEvidence.subtree(level: level, index: index) { i in
                    guard let leaf = try txn.get(.mirror, PeerStore.seenKey(origin, i)), leaf.count == 32 else {
                        throw LedgerError(.corrupt, "\(path): the mirror of \(origin) lacks leaf \(i); run `amparo verify`")
                    }
                    return leaf
                }
            }
        }
    }

    /// The first `count` mirrored leaves of `origin`, in order, read in one snapshot; an error
    /// when the mirror holds fewer.
    package func forEachMirroredLeaf(_ origin: String, count: UInt64, _ body: (UInt64, Hash32) throws -> Void) throws {
        guard count > 0 else { return }
        let prefix = Array(origin.utf8) + [0]
        var next: UInt64 = 0
        try log.read { txn in
            try txn.forEach(.mirror, from: PeerStore.seenKey(origin, 0)) { key, value in
                guard next < count, key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
                guard Array(key.suffix(8)).bigEndianUInt64 == next, value.count == 32 else { return false }
                try body(next, value)
                next += 1
                return true
            }
        }
        guard next == count else {
            throw LedgerError(.corrupt, "\(log.path): the mirror of \(origin) holds \(next) of its \(count) leaves; run `amparo verify`")
        }
    }

    /// Fork evidence this ledger found or received, with when it was recorded and which of its two
    /// checkpoints this ledger held (nil when another node found it).
    package struct Fork: Sendable {
        package let evidence: ForkEvidence
        package let recorded: String
        package let heldIndex: Int?
        package var origin: String { evidence.origin }
        /// The checkpoint this ledger held (or the smaller one) and the other one.
        package var held: String { evidence.checkpoints[heldIndex ?? 0] }
        package var presented: String { evidence.checkpoints[1 - (heldIndex ?? 0)] }
    }

    /// Keeps fork evidence (once per pair of checkpoints). `held` is the checkpoint note this
    /// ledger held, when it found the fork itself. Returns whether it was new.
    @discardableResult
    package func recordFork(_ evidence: ForkEvidence, held: String? = nil, at time: Timestamp = .now()) throws -> Bool {
        let key = Array(evidence.origin.utf8) + [0] + evidence.id
        var value: [String: JSONValue] = ["evidence": evidence.json, "recorded": .string(time.description)]
        if let held, let i = evidence.checkpoints.firstIndex(of: held) { value["held"] = .number(Double(i)) }
        return try log.write { txn in
            guard try txn.get(.peerForks, key) == nil else { return false }
            try txn.put(.peerForks, key, CanonicalJSON.encode(.object(value)))
            return true
        }
    }

    /// Every origin this ledger holds a checkpoint of, by name.
    package func origins() throws -> [(origin: String, record: PeerRecord)] {
        var names: [String] = []
        try log.read { txn in
            try txn.forEach(.peers) { key, _ in
                names.append(String(decoding: key, as: UTF8.self))
                return true
            }
        }
        return try names.compactMap { name in try record(name).map { (name, $0) } }
    }

    /// Every fork recorded, by origin.
    package func forks() throws -> [Fork] {
        var out: [Fork] = []
        try log.read { txn in
            try txn.forEach(.peerForks) { _, value in
                let v = try JSONParser.parse(value)
                guard let evidence = v["evidence"] else { return true }
                out.append(
                    Fork(
                        evidence: try ForkEvidence(json: evidence), recorded: v["recorded"]?.stringValue ?? "",
                        heldIndex: v["held"]?.integerValue.map(Int.init)))
                return true
            }
        }
        return out
    }

    /// The origins with a recorded fork, by name.
    package func forkedOrigins() throws -> [String] { Array(Set(try forks().map(\.origin))).sorted() }

    /// Stores every piece of `evidence` after checking each with the origin's key alone (the key
    /// this ledger holds for the origin, when it holds one): one that does not hold stores nothing.
    /// Returns how many were new.
    ///
    /// With `onlyKnown`, the keys a bundle vouches for (its logs' origins): evidence about an
    /// origin neither this ledger nor the bundle knows is checked but not kept (it is about a log
    /// this node holds nothing of, and would let any sender make every verify fail).
    package func importEvidence(_ evidence: [ForkEvidence], onlyKnown keys: [String: VerifierKey]? = nil) throws -> Int {
        var keep: [ForkEvidence] = []
        for e in evidence {
            let known = try record(e.origin)?.nodeKey ?? ownKey(e.origin) ?? keys?[e.origin]
            try e.check(knownKey: known)
            if known != nil || keys == nil { keep.append(e) }
        }
        var added = 0
        for e in keep where try recordFork(e) { added += 1 }
        return added
    }

    /// This ledger's own node key when `origin` is its name (evidence about this very node).
    func ownKey(_ origin: String) -> VerifierKey? { origin == log.name ? log.nodeKey : nil }
}

/// The sizes at which this ledger exported bundles (so later bundles can prove growth since each).
struct ExportRecord {
    let log: EventLog

    init(log: EventLog) throws {
        self.log = log
        guard !log.isReadOnly else {
            throw LedgerError(.readOnly, "\(log.path) is read-only: export records the size it exported; run it where the ledger can be written")
        }
    }

    func exportedSizes() throws -> [UInt64] {
        var out: [UInt64] = []
        try log.read { txn in
            try txn.forEach(.exports) { key, _ in
                out.append(key.bigEndianUInt64)
                return true
            }
        }
        return out
    }

    func recordExport(_ size: UInt64) throws {
        try log.write { try $0.put(.exports, [UInt8](bigEndian: size), []) }
    }
}
