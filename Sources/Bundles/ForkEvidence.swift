import Ledger

/// Proof that one origin signed two histories: a value any node checks with the origin's verifier
/// key alone, whoever passed it on.
///
/// Two signed checkpoints of the origin (`checkpoints`, smaller size first). Of one size, two roots
/// are the proof. Of two sizes, the first leaf `index` at which the two trees differ, that leaf's
/// hash in each tree (`leaves`) and its inclusion proof in each (`proofs`): two different leaves at
/// one index of two trees the same key signed, so neither tree extends the other. When the node
/// that found the fork held them, `events` carries the two signed events at that index (their
/// leaf hashes must be `leaves`).
///
/// One RFC 8785 JSON object, one line of an evidence file (docs/federation.md):
/// `{"checkpoints","events","format","index","leaves","origin","origin_key","proofs"}`.
package struct ForkEvidence: Sendable, Equatable {
    package static let format = "amparo-fork-evidence/v1"
    /// Bound on one proof (a tree of 2^64 leaves has 64 levels).
    package static let maximumProof = 64

    package let origin: String
    package let originKey: String
    package let checkpoints: [String]
    package let index: UInt64?
    package let leaves: [Hash32]
    package let proofs: [[Hash32]]
    package let events: [[UInt8]?]

    package init(
        origin: String, originKey: String, checkpoints: [String], index: UInt64?, leaves: [Hash32] = [], proofs: [[Hash32]] = [],
        events: [[UInt8]?] = []
    ) {
        self.origin = origin
        self.originKey = originKey
        self.checkpoints = checkpoints
        self.index = index
        self.leaves = leaves
        self.proofs = proofs
        self.events = events
    }

    package var json: JSONValue {
        .object([
            "format": .string(ForkEvidence.format), "origin": .string(origin), "origin_key": .string(originKey),
            "checkpoints": .array(checkpoints.map(JSONValue.string)),
            "index": index.map { .number(Double($0)) } ?? .null,
            "leaves": .array(leaves.map { .string($0.base64) }),
            "proofs": .array(proofs.map { .array($0.map { .string($0.base64) }) }),
            "events": .array(events.map { $0.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null }),
        ])
    }

    /// The canonical bytes (one line of an evidence file).
    package var bytes: [UInt8] { CanonicalJSON.encode(json) }

    /// What identifies the fork: the SHA-256 of its two checkpoint notes, whoever found it.
    package var id: Hash32 {
        var digest = SHA256Context()
        for note in checkpoints.sorted() { digest.update(Array(note.utf8)) }
        return digest.finish()
    }

    package init(json v: JSONValue) throws(LedgerError) {
        func bad(_ why: String) -> LedgerError { LedgerError(.corrupt, "fork evidence: \(why)") }
        guard case .object(let o) = v else { throw bad("not a JSON object") }
        let known: Set<String> = ["format", "origin", "origin_key", "checkpoints", "index", "leaves", "proofs", "events"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) { throw bad("unknown field \"\(unknown)\"") }
        guard o["format"]?.stringValue == ForkEvidence.format else { throw bad("format is not \(ForkEvidence.format)") }
        guard let origin = o["origin"]?.stringValue, let key = o["origin_key"]?.stringValue,
            let notes = o["checkpoints"]?.arrayValue?.compactMap(\.stringValue), notes.count == 2
        else { throw bad("origin, origin_key and two checkpoints are required") }
        func hashes(_ a: [JSONValue]?) throws(LedgerError) -> [Hash32] {
            guard let a, a.count <= ForkEvidence.maximumProof else { throw bad("a list of hashes is missing or longer than \(ForkEvidence.maximumProof)") }
            var out: [Hash32] = []
            for h in a {
                guard let text = h.stringValue, let bytes = [UInt8](base64: text), bytes.count == 32 else { throw bad("a hash is not base64 of 32 bytes") }
                out.append(bytes)
            }
            return out
        }
        var index: UInt64?
        switch o["index"] {
        case .none, .null?: index = nil
        case let value?:
            guard let i = value.integerValue, i >= 0 else { throw bad("index is not a whole number") }
            index = UInt64(i)
        }
        let leaves = try hashes(o["leaves"]?.arrayValue ?? [])
        var proofs: [[Hash32]] = []
        for p in o["proofs"]?.arrayValue ?? [] { proofs.append(try hashes(p.arrayValue)) }
        var events: [[UInt8]?] = []
        for e in o["events"]?.arrayValue ?? [] {
            if case .null = e {
                events.append(nil)
            } else if let text = e.stringValue {
                events.append(Array(text.utf8))
            } else {
                throw bad("an event is not a string")
            }
        }
        self.init(origin: origin, originKey: key, checkpoints: notes, index: index, leaves: leaves, proofs: proofs, events: events)
    }

    package init(bytes: [UInt8]) throws(LedgerError) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw LedgerError(.corrupt, "fork evidence: not JSON (\(error))") }
        try self.init(json: value)
    }

    /// Checks the evidence with the origin's key alone (`key`, when this node knows the origin,
    /// must be the one the evidence names). Returns the two checkpoints, smaller first.
    @discardableResult
    package func check(knownKey key: VerifierKey? = nil) throws(LedgerError) -> (Checkpoint, Checkpoint) {
        func bad(_ why: String) -> LedgerError { LedgerError(.badProof, "fork evidence for \(origin) does not hold: \(why); nothing was stored") }
        let originKey: VerifierKey
        do { originKey = try VerifierKey(parsing: self.originKey) } catch { throw bad("its origin key is malformed") }
        if let key, key != originKey {
            throw bad("it names node key \(originKey.reference), not the \(key.reference) this ledger holds for \(origin)")
        }
        var points: [Checkpoint] = []
        for note in checkpoints {
            let c: Checkpoint
            do { c = try Checkpoint.verify(note: note, key: originKey) } catch {
                throw bad("a checkpoint does not verify with the origin's key (\(error.message))")
            }
            guard c.origin == origin else { throw bad("a checkpoint is of \(c.origin)") }
            points.append(c)
        }
        let (a, b) = points[0].size <= points[1].size ? (points[0], points[1]) : (points[1], points[0])
        if a.size == b.size {
            guard a.root != b.root else { throw bad("its two checkpoints are the same tree") }
        }
        if let index {
            guard leaves.count == 2, proofs.count == 2, index < a.size, leaves[0] != leaves[1] else {
                throw bad("it needs two different leaves at an index inside both trees, each with its proof")
            }
            // leaves[i] and proofs[i] are of checkpoints[i].
            for i in 0..<2 {
                guard Merkle.verifyInclusion(leafHash: leaves[i], index: index, size: points[i].size, proof: proofs[i], root: points[i].root) else {
                    throw bad("the inclusion proof of leaf \(index) in the checkpoint of \(points[i].size) events does not verify")
                }
            }
            for (i, e) in events.enumerated() where i < 2 {
                if let e, Merkle.leafHash(e) != leaves[i] { throw bad("an event it carries is not the leaf it names") }
            }
        } else if a.size != b.size {
            throw bad("two checkpoints of different sizes prove nothing without two different leaves at one index")
        }
        return (a, b)
    }

    /// The evidence that `held` and `presented` (signed checkpoints of one origin whose trees
    /// disagree) conflict, built from the leaves of both trees. The checkpoints are ordered by size
    /// (held first when equal); `heldLeaf`/`presentedLeaf` give a tree's leaf hash at an index;
    /// `event` the signed event of a leaf hash, when this node holds it.
    package static func make(
        origin: String, originKey: VerifierKey, held: (note: String, checkpoint: Checkpoint, leaf: (UInt64) throws -> Hash32?),
        presented: (note: String, checkpoint: Checkpoint, leaf: (UInt64) throws -> Hash32?), event: (Hash32) throws -> [UInt8]? = { _ in nil }
    ) throws -> ForkEvidence {
        let trees = held.checkpoint.size <= presented.checkpoint.size ? [held, presented] : [presented, held]
        let common = trees[0].checkpoint.size
        var index: UInt64?
        var i: UInt64 = 0
        while i < common {
            guard let x = try trees[0].leaf(i), let y = try trees[1].leaf(i) else { break }
            if x != y {
                index = i
                break
            }
            i += 1
        }
        guard let index else {
            // Leaves this node does not hold: the two notes alone (proof only for one size).
            return ForkEvidence(origin: origin, originKey: originKey.description, checkpoints: trees.map(\.note), index: nil)
        }
        var leaves: [Hash32] = []
        var proofs: [[Hash32]] = []
        for t in trees {
            let leaf = t.leaf
            leaves.append(try leaf(index) ?? [])
            proofs.append(
                try Merkle.inclusionProof(leaf: index, size: t.checkpoint.size) { level, n in
                    try subtree(level: level, index: n, leaf: { try leaf($0) ?? [] })
                })
        }
        return ForkEvidence(
            origin: origin, originKey: originKey.description, checkpoints: trees.map(\.note), index: index, leaves: leaves, proofs: proofs,
            events: try leaves.map(event))
    }

    /// The hash of the perfect subtree (level, index) from its leaves.
    static func subtree(level: Int, index: UInt64, leaf: (UInt64) throws -> Hash32) throws -> Hash32 {
        if level == 0 { return try leaf(index) }
        return Merkle.nodeHash(try subtree(level: level - 1, index: 2 * index, leaf: leaf), try subtree(level: level - 1, index: 2 * index + 1, leaf: leaf))
    }
}

/// An evidence file: one ``ForkEvidence`` per line (RFC 8785 JSON). Reading checks every line
/// before anything is stored.
package enum EvidenceFile {
    package static func encode(_ evidence: [ForkEvidence]) -> [UInt8] {
        evidence.flatMap { $0.bytes + [0x0A] }
    }

    package static func decode(_ bytes: [UInt8], path: String) throws -> [ForkEvidence] {
        var out: [ForkEvidence] = []
        for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                out.append(try ForkEvidence(bytes: Array(line)))
            } catch {
                throw LedgerError(.corrupt, "\(path) line \(n + 1): \(error.message); nothing was stored")
            }
        }
        guard !out.isEmpty else { throw LedgerError(.corrupt, "\(path) holds no fork evidence; nothing was stored") }
        return out
    }
}
