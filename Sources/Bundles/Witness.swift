import Foundation
import Ledger

/// A cosigner's key (C2SP tlog-cosignature, Ed25519, `cosignature/v1`): a key of its own, never a
/// node key. Its verifier key has type byte 0x04 and its key id is
/// SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4].
package struct Cosigner: Sendable {
    package static let algorithm: UInt8 = 0x04
    package let key: SigningKey
    package var name: String { key.name }
    package var publicKey: [UInt8] { key.verifierKey.publicKey }

    package init(key: SigningKey) {
        self.key = key
    }

    package static func keyID(name: String, publicKey: [UInt8]) -> [UInt8] {
        var digest = SHA256Context()
        digest.update(Array(name.utf8) + [0x0A, algorithm] + publicKey)
        return Array(digest.finish().prefix(4))
    }

    package var keyID: [UInt8] { Cosigner.keyID(name: name, publicKey: publicKey) }

    /// The verifier key `NAME+KEYID+BASE64(0x04 ‖ public key)`.
    package var verifierKey: String { "\(name)+\(keyID.hex)+\(([Cosigner.algorithm] + publicKey).base64)" }

    /// The message a v1 cosignature signs: `cosignature/v1`, `time T`, then the checkpoint's text.
    package static func message(text: String, time: UInt64) -> [UInt8] { Array("cosignature/v1\ntime \(time)\n".utf8) + Array(text.utf8) }

    /// The signature line `— NAME base64(key id ‖ time (8 bytes, big-endian) ‖ Ed25519 signature)`.
    package func cosign(text: String, time: UInt64) -> String {
        "— \(name) \((keyID + [UInt8](bigEndian: time) + key.sign(Cosigner.message(text: text, time: time))).base64)\n"
    }
}

/// What the witness's one write transaction decided.
private enum WitnessOutcome {
    case store
    case conflict(UInt64, String)
    case fork(String, String)
    case inconsistent(String)
}

/// A C2SP tlog-witness for the logs this node knows (its peers, by the node keys their bundles
/// taught it): `add-checkpoint` checks a log's new checkpoint against the latest one it cosigned
/// for that origin and cosigns it. The check and the store are one LMDB write transaction, so two
/// racing submissions cannot both move the same size, and nothing is answered before it is
/// durable. It never cosigns a smaller tree, nor another tree of a size it cosigned.
///
/// Databases: `witness` (origin → the latest cosigned checkpoint note) and `witness-conflicts`
/// (origin ‖ 0x00 ‖ SHA-256 of the note → what was refused and why): every checkpoint that
/// contradicted what was cosigned is kept; one of the same size with another root is fork
/// evidence (`peer-forks`, docs/federation.md).
package struct Witness: Sendable {
    package let log: EventLog
    package let cosigner: Cosigner

    /// Bound on a request body: 63 proof lines and a note with a few signatures fit many times.
    package static let maximumBody = 64 << 10
    /// Proof lines at most (the spec's bound).
    package static let maximumProof = 63

    package init(log: EventLog, cosigner: Cosigner) {
        self.log = log
        self.cosigner = cosigner
    }

    /// What `add-checkpoint` answers (C2SP tlog-witness).
    package enum Answer: Sendable, Equatable {
        /// 200: the cosignature line(s).
        case cosigned(String)
        /// 400: a malformed request, or an old size larger than the checkpoint's.
        case badRequest(String)
        /// 403: no signature by the origin's key.
        case forbidden(String)
        /// 404: an origin this witness does not know.
        case notFound(String)
        /// 409: the old size is not the latest size cosigned (body: that size), or the same size
        /// with another root.
        case conflict(size: UInt64, String)
        /// 422: the consistency proof does not verify.
        case unprocessable(String)

        package var status: Int {
            switch self {
            case .cosigned: 200
            case .badRequest: 400
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .unprocessable: 422
            }
        }
    }

    /// The key a log's checkpoints must carry: the node key this node holds for `origin` (from its
    /// bundles). Its own log is not witnessed here.
    func logKey(_ origin: String) throws -> VerifierKey? {
        origin == log.name ? nil : try PeerStore(log: log).record(origin)?.nodeKey
    }

    /// The latest checkpoint cosigned for `origin`, if any.
    package func latest(_ origin: String) throws -> Checkpoint? {
        guard let note = try log.read({ try $0.get(.witness, Array(origin.utf8)) }) else { return nil }
        return try Checkpoint(text: try SignedNote(parsing: String(decoding: note, as: UTF8.self)).text)
    }

    /// How many checkpoints of `origin` that contradicted what was cosigned are kept.
    package func conflicts(_ origin: String) throws -> Int {
        let prefix = Array(origin.utf8) + [0]
        var n = 0
        try log.read { txn in
            try txn.forEach(.witnessConflicts, from: prefix) { key, _ in
                guard key.starts(with: prefix) else { return false }
                n += 1
                return true
            }
        }
        return n
    }

    /// Handles one `add-checkpoint` request body, at `time` (POSIX seconds).
    package func addCheckpoint(_ body: [UInt8], time: UInt64) throws -> Answer {
        guard body.count <= Witness.maximumBody else { return .badRequest("the request is larger than \(Witness.maximumBody) bytes") }
        guard let text = String(validating: body, as: UTF8.self) else { return .badRequest("the request is not UTF-8") }
        // `old N`, up to 63 base64 hashes, an empty line, the signed checkpoint.
        guard let blank = text.range(of: "\n\n") else { return .badRequest("no empty line before the checkpoint") }
        let head = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = head.first, first.hasPrefix("old "), let old = UInt64(first.dropFirst(4)), String(old) == first.dropFirst(4) else {
            return .badRequest("the first line must be \"old N\" (a decimal size without leading zeroes)")
        }
        guard head.count - 1 <= Witness.maximumProof else { return .badRequest("more than \(Witness.maximumProof) consistency proof lines") }
        var proof: [Hash32] = []
        for line in head.dropFirst() {
            guard let hash = [UInt8](base64: line), hash.count == 32 else { return .badRequest("a consistency proof line is not base64 of 32 bytes") }
            proof.append(hash)
        }
        let noteText = String(text[blank.upperBound...])
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote(parsing: noteText)
            checkpoint = try Checkpoint(text: note.text)
        } catch {
            return .badRequest("not a signed checkpoint: \(error.message)")
        }
        guard let key = try logKey(checkpoint.origin) else { return .notFound("unknown log origin \(checkpoint.origin)") }
        // Signatures by other keys (cosignatures among them) are ignored.
        let bySigner = note.signatures.filter { $0.name == key.name && $0.keyID == key.keyID }
        guard !bySigner.isEmpty, bySigner.allSatisfy({ key.isValidSignature($0.signature, for: Array(note.text.utf8)) }) else {
            return .forbidden("no valid signature by \(key.reference), the key of \(checkpoint.origin)")
        }
        guard old <= checkpoint.size else { return .badRequest("old size \(old) is larger than the checkpoint's \(checkpoint.size)") }
        let origin = checkpoint.origin
        // Check and store in one write transaction: two racing submissions are serialised.
        let outcome: WitnessOutcome = try log.write { txn in
            var digest = SHA256Context()
            digest.update(Array(noteText.utf8))
            let conflictKey = Array(origin.utf8) + [0] + digest.finish()
            let conflict = { (why: String) -> [UInt8] in
                CanonicalJSON.encode(.object(["note": .string(noteText), "old": .number(Double(old)), "why": .string(why)]))
            }
            let heldNote = try txn.get(.witness, Array(origin.utf8)).map { String(decoding: $0, as: UTF8.self) }
            let held = try heldNote.map { try Checkpoint(text: try SignedNote(parsing: $0).text) }
            let heldSize = held?.size ?? 0
            guard old == heldSize else {
                return .conflict(heldSize, "old size \(old) is not \(heldSize), the size this witness last cosigned for \(origin)")
            }
            if let held, held.size == checkpoint.size {
                guard held.root == checkpoint.root else {
                    try txn.put(.witnessConflicts, conflictKey, conflict("same size as the checkpoint cosigned, another root"))
                    return .fork(heldNote!, "\(origin) signed another tree of \(held.size) events than the one this witness cosigned")
                }
            } else if let held, old > 0 {
                guard
                    Merkle.verifyConsistency(firstSize: held.size, firstRoot: held.root, secondSize: checkpoint.size, secondRoot: checkpoint.root, proof: proof)
                else {
                    try txn.put(.witnessConflicts, conflictKey, conflict("the consistency proof from \(held.size) events does not verify"))
                    return .inconsistent("the consistency proof from \(held.size) to \(checkpoint.size) events does not verify")
                }
            } else if !proof.isEmpty {
                return .inconsistent("the consistency proof must be empty from old size 0")
            }
            try txn.put(.witness, Array(origin.utf8), Array(note.serialized.utf8))
            return .store
        }
        switch outcome {
        case .store:
            return .cosigned(cosigner.cosign(text: note.text, time: time))
        case .conflict(let size, let why):
            return .conflict(size: size, why)
        case .fork(let heldNote, let why):
            // Two trees of one size, both signed by the origin: fork evidence anyone can check.
            let evidence = ForkEvidence(origin: origin, originKey: key.description, checkpoints: [heldNote, note.serialized], index: nil)
            if (try? evidence.check(knownKey: key)) != nil { try PeerStore(log: log).recordFork(evidence, held: heldNote) }
            return .conflict(size: checkpoint.size, why)
        case .inconsistent(let why):
            return .unprocessable(why)
        }
    }

    /// The key file beside the ledger: `witness.key` (PKCS#8 PEM, mode 0600).
    package static func keyPath(_ log: EventLog) -> String { log.path + "/witness.key" }

    /// The witness's name: the ledger's name followed by `/witness`.
    package static func name(_ log: EventLog) -> String { log.name + "/witness" }

    /// This node's cosigner, from `witness.key`; with `create`, made (mode 0600) when missing.
    /// Returns whether it was created.
    package static func cosigner(for log: EventLog, create: Bool) throws -> (Cosigner, created: Bool) {
        let path = keyPath(log)
        if !FileManager.default.fileExists(atPath: path) {
            guard create else {
                throw LedgerError(.notFound, "\(log.path) has no witness key; create it with `amparo witness key --ledger \(log.path)`")
            }
            let key = try SigningKey(generatingFor: name(log))
            try KeyFile.create(path: path, text: key.pem)
            return (Cosigner(key: key), true)
        }
        return (Cosigner(key: try SigningKey.load(path: path, name: name(log))), false)
    }
}
