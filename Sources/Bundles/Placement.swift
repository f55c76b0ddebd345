import Ledger

/// What this ledger holds of every origin, for placing a bundle's logs: the peers' records and
/// mirrored leaves, and this ledger's own log (a relayed log may be this node's own).
package struct HeldLogs {
    let log: EventLog
    let peers: PeerStore

    package init(log: EventLog) {
        self.log = log
        peers = PeerStore(log: log)
    }

    /// The held tree of `origin`: its signed checkpoint, how many of its leaves are held, and the
    /// peer record (nil for this ledger's own log).
    func tree(_ origin: String) throws -> (note: String, checkpoint: Checkpoint, leavesHeld: UInt64, record: PeerRecord?)? {
        if origin == log.name {
            guard let (_, note) = try log.latestCheckpoint() else { return nil }
            let checkpoint = try Checkpoint(text: note.text)
            return (note.serialized, checkpoint, checkpoint.size, nil)
        }
        guard let record = try peers.record(origin) else { return nil }
        return (record.checkpointNote, record.checkpoint, min(record.mirrored, record.checkpoint.size), record)
    }

    /// The node key this ledger holds for `origin` (its own for its own name).
    func key(_ origin: String) throws -> VerifierKey? {
        origin == log.name ? log.nodeKey : try peers.record(origin)?.nodeKey
    }

    /// The held leaf hash of `origin`'s log at `index`.
    func leaf(_ origin: String, _ index: UInt64) throws -> Hash32? {
        if origin == log.name { return try log.storedSubtree(level: 0, index: index) }
        return try peers.mirroredLeaf(origin, index)
    }

    /// The signed event at `index` of this ledger's own log (fork evidence carries it).
    func ownEvent(_ origin: String, _ index: UInt64) throws -> [UInt8]? {
        guard origin == log.name else { return nil }
        return try log.rawEntry(at: index + 1)?.bytes
    }
}

/// One log of a bundle set against what this ledger holds of its origin.
package struct Placement: Sendable {
    package enum Verdict: Sendable {
        /// Nothing held of the origin: its node key is trusted from now on.
        case first
        case same
        case grew(from: UInt64)
        /// A smaller tree that is a prefix of the one held (an older export).
        case older
        /// Neither extends the other. `held` is the checkpoint note held; `branch` the first index
        /// of the presented tree that is not the held one's (its events are not admitted).
        case fork(ForkEvidence, held: String, branch: UInt64, why: String)
    }

    package let origin: String
    package let key: VerifierKey
    package let note: String
    package let checkpoint: Checkpoint
    package let verdict: Verdict
    /// What was held of the origin before (to extend its mirror).
    package let heldRecord: PeerRecord?

    /// One phrase for the output of an import ("grew from 120 to 200 events").
    package var growth: String { growth(imported: true) }

    /// The same; for a bundle only verified, what importing it would do.
    package func growth(imported: Bool) -> String {
        switch verdict {
        case .first:
            imported
                ? "first bundle from \(origin) (its node key is now trusted for later bundles)"
                : "first bundle from \(origin) (importing it would trust its node key for later bundles; verifying records nothing)"
        case .same: "\(origin) has not grown since the checkpoint held (\(checkpoint.size) events)"
        case .grew(let from): "\(origin)'s log only grew: \(from) → \(checkpoint.size) events (its leaves verified against both checkpoints)"
        case .older: "an older export of \(origin) (\(checkpoint.size) events), a prefix of the log held"
        case .fork(_, _, _, let why): "FORK of \(origin): \(why)"
        }
    }

    static func judge(
        origin: String, key: VerifierKey, note: String, checkpoint: Checkpoint, leaves: [UInt8], held: HeldLogs?, path: String
    ) throws -> Placement {
        func placed(_ verdict: Verdict, _ record: PeerRecord? = nil) -> Placement {
            Placement(origin: origin, key: key, note: note, checkpoint: checkpoint, verdict: verdict, heldRecord: record)
        }
        guard let held else { return placed(.first) }
        // Every read of what is held (the mirror leaf by leaf, when a fork's evidence is built) in
        // one snapshot.
        return try held.log.snapshot {
            try judge(origin: origin, key: key, note: note, checkpoint: checkpoint, leaves: leaves, held: held, path: path, placed: placed)
        }
    }

    private static func judge(
        origin: String, key: VerifierKey, note: String, checkpoint: Checkpoint, leaves: [UInt8], held: HeldLogs, path: String,
        placed make: (Verdict, PeerRecord?) -> Placement
    ) throws -> Placement {
        func placed(_ verdict: Verdict, _ record: PeerRecord? = nil) -> Placement { make(verdict, record) }
        guard let tree = try held.tree(origin) else { return placed(.first) }
        if let knownKey = try held.key(origin), knownKey != key {
            throw LedgerError(.badSignature, "\(path): \(origin) signs with node key \(key.reference), not the \(knownKey.reference) this ledger knows")
        }
        let m = tree.checkpoint.size
        let k = checkpoint.size
        func presentedLeaf(_ i: UInt64) -> Hash32? {
            i < k ? Array(leaves[Int(i) * 32..<Int(i) * 32 + 32]) : nil
        }
        func fork(_ why: String) throws -> Placement {
            let evidence = try ForkEvidence.make(
                origin: origin, originKey: key,
                held: (tree.note, tree.checkpoint, { i in i < tree.leavesHeld ? try held.leaf(origin, i) : nil }),
                presented: (note, checkpoint, presentedLeaf), event: { _ in nil })
            let withEvents: ForkEvidence
            if let index = evidence.index, origin == held.log.name {
                // This node's own log: the event it holds at the index travels with the evidence.
                let mine = try held.ownEvent(origin, index)
                let heldFirst = evidence.checkpoints[0] == tree.note
                withEvents = ForkEvidence(
                    origin: evidence.origin, originKey: evidence.originKey, checkpoints: evidence.checkpoints, index: index, leaves: evidence.leaves,
                    proofs: evidence.proofs, events: heldFirst ? [mine, nil] : [nil, mine])
            } else {
                withEvents = evidence
            }
            let sizes =
                "\(why): it presents \(k) events (root \(checkpoint.root.base64)), the checkpoint held has \(m) events (root \(tree.checkpoint.root.base64))"
            return placed(.fork(withEvents, held: tree.note, branch: evidence.index ?? 0, why: sizes), tree.record)
        }
        if k == m {
            return tree.checkpoint.root == checkpoint.root ? placed(.same, tree.record) : try fork("two different logs of the same size")
        }
        if k > m {
            var edge = CompactRange()
            for i in 0..<m { _ = edge.append(presentedLeaf(i)!) }
            return edge.root == tree.checkpoint.root
                ? placed(.grew(from: m), tree.record)
                : try fork("its first \(m) events are not the log of \(m) events held")
        }
        // A smaller log than one held: only a prefix of it (an older export) is not a rollback.
        if tree.leavesHeld >= k {
            var edge = CompactRange()
            for i in 0..<k {
                guard let leaf = try held.leaf(origin, i) else { break }
                _ = edge.append(leaf)
            }
            if edge.size == k && edge.root == checkpoint.root { return placed(.older, tree.record) }
        } else if let seen = try held.peers.checkpoint(origin, size: k), let seenCheckpoint = try? Checkpoint.verify(note: seen, key: key),
            seenCheckpoint.root == checkpoint.root
        {
            return placed(.older, tree.record)
        }
        return try fork("a log of \(k) events after one of \(m): its history was rolled back and rewritten")
    }
}

/// The `placed` lines of a bundle: for each event, in bundle order, the log (K) that first
/// recorded it and its index there, 10 bytes each, in memory.
struct PlacementLines {
    static let prefix = Array(BundleFormat.placedPrefix.utf8)
    private(set) var bytes: [UInt8] = []
    var count: Int { bytes.count / 10 }

    mutating func add(_ line: [UInt8], number: Int, events: Int, logs: Int, path: String) throws {
        guard let raw = [UInt8](base64: String(decoding: line.dropFirst(PlacementLines.prefix.count), as: UTF8.self)), !raw.isEmpty,
            raw.count % 10 == 0, raw.count <= 10 * BundleFormat.placedPerLine
        else {
            throw LedgerError(
                .corrupt, "\(path) line \(number): not a line of placements (\"placed BASE64\": 1 to \(BundleFormat.placedPerLine) of 10 bytes); refused")
        }
        guard count + raw.count / 10 <= events else {
            throw LedgerError(.corrupt, "\(path) line \(number): more placements than the \(events) events before them; refused")
        }
        var at = 0
        while at < raw.count {
            let k = Int(raw[at]) << 8 | Int(raw[at + 1])
            guard k < logs else { throw LedgerError(.corrupt, "\(path) line \(number): a placement names log \(k), which the header does not list; refused") }
            at += 10
        }
        bytes += raw
    }

    /// The log and index of event `i` (in bundle order).
    func placement(_ i: Int) -> (log: Int, index: UInt64) {
        let at = i * 10
        return (Int(bytes[at]) << 8 | Int(bytes[at + 1]), Array(bytes[at + 2..<at + 10]).bigEndianUInt64)
    }

    static func encode(log: Int, index: UInt64) -> [UInt8] { [UInt8(log >> 8), UInt8(log & 0xFF)] + [UInt8](bigEndian: index) }
}

/// The `leaves` lines of a bundle, read into memory one log at a time (32 bytes a leaf), each log
/// no longer than its checkpoint's size.
struct LeafSections {
    static let prefix = Array(BundleFormat.leavesPrefix.utf8)
    let header: BundleHeader
    let path: String
    private(set) var leaves: [[UInt8]] = []
    private var expected: [UInt64] = []
    private(set) var started = false
    private var current = 0

    init(header: BundleHeader, path: String) {
        self.header = header
        self.path = path
    }

    /// The size each log's checkpoint announces (its signature is checked later, by `verify`).
    mutating func prepare() throws {
        for note in [header.checkpoint] + header.logs.map(\.checkpoint) {
            do {
                expected.append(try Checkpoint(text: try SignedNote(parsing: note).text).size)
            } catch {
                throw LedgerError(.corrupt, "\(path) line 2: a checkpoint in the header is malformed (\(error.message))")
            }
        }
        leaves = Array(repeating: [], count: expected.count)
        let total = expected.reduce(UInt64(0)) { $0.addingReportingOverflow($1).overflow ? .max : $0 + $1 }
        guard total <= BundleFormat.maximumLeaves else {
            throw LedgerError(
                .corrupt,
                "\(path) line 2: the logs the header lists hold \(total) events, past the bound of \(BundleFormat.maximumLeaves) leaf hashes a bundle may carry; refused"
            )
        }
    }

    /// `leaves K BASE64`: up to 256 leaf hashes of log K, after those already read.
    mutating func add(_ line: [UInt8], number: Int) throws {
        started = true
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, let k = Int(String(decoding: parts[1], as: UTF8.self)), String(k) == String(decoding: parts[1], as: UTF8.self),
            k >= current, k < leaves.count, let hashes = [UInt8](base64: String(decoding: parts[2], as: UTF8.self)), !hashes.isEmpty,
            hashes.count % 32 == 0, hashes.count <= 32 * BundleFormat.leavesPerLine
        else {
            throw LedgerError(
                .corrupt,
                "\(path) line \(number): not a line of leaf hashes (\"leaves K BASE64\": a log the header lists, in order, 1 to \(BundleFormat.leavesPerLine) hashes); refused"
            )
        }
        current = k
        guard UInt64(leaves[k].count + hashes.count) / 32 <= expected[k] else {
            throw LedgerError(.corrupt, "\(path) line \(number): more leaf hashes of log \(k) than its checkpoint's \(expected[k]) events; refused")
        }
        leaves[k] += hashes
    }

    func finish() throws {
        for (k, size) in expected.enumerated() where UInt64(leaves[k].count / 32) != size {
            throw LedgerError(.corrupt, "\(path): the bundle carries \(leaves[k].count / 32) leaf hashes of log \(k), whose checkpoint has \(size) events")
        }
    }
}
