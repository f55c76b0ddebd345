import Agreement
import Bundles
import Foundation
import Ledger

/// An auditor checking another origin's checkpoint or proof: the Secretariat's, checked on a
/// ministry's node, or anyone's, checked with no ledger at all.
///
/// The origin's node key comes from `--origin-key`, else from what this node learned of the origin
/// from verified bundles (its peer record). What can be proven without the origin's log:
/// - a checkpoint: that the origin's node key signed it; and, when this node holds a checkpoint of
///   the origin at the same size (from a bundle), that both have the same root (otherwise the
///   origin signed two histories);
/// - an inclusion proof: that a given event (`--event`: one this node holds, or its signed JSON in
///   a file) is the entry at the proof's index in the signed checkpoint;
/// - a consistency proof: that the checkpoint of the proof's old size (`--checkpoint FILE`, or one
///   a bundle carried) is a prefix of the proof's signed checkpoint.
enum OriginVerification {
    /// What the auditor gave.
    struct Input {
        var checkpointNote: String?
        var proofText: String?
        var originKey: String?
        var event: String?
    }

    /// The origin a checkpoint or proof names (its note's first line), or nil when unreadable.
    static func origin(of input: Input) -> String? {
        let note = input.proofText.flatMap { try? ProofText.parse($0).checkpointNote } ?? input.checkpointNote
        return note.flatMap { try? SignedNote(parsing: $0) }.flatMap { try? Checkpoint(text: $0.text).origin }
    }

    static func verify(_ input: Input, log: EventLog?) throws -> (VerificationReport, String) {
        guard let origin = origin(of: input) else {
            throw LedgerError(
                .badNote, "the \(input.proofText != nil ? "proof's checkpoint" : "checkpoint") is not a signed checkpoint (origin, size, root hash, signature)")
        }
        let key = try originKey(origin, given: input.originKey, log: log)
        let peers = log.map(PeerStore.init)
        let policyNote = input.proofText.flatMap { try? ProofText.parse($0).checkpointNote } ?? input.checkpointNote ?? ""
        let witnessed = try policyCheck(policyNote, origin: origin, key: key, log: log)
        var breaches: [Breach] = []
        func breach(_ message: String) { breaches.append(Breach(Rules.integrity, seq: nil, event: nil, caseID: nil, actor: nil, message: message)) }
        guard let proofText = input.proofText else {
            let checkpoint = try signed(input.checkpointNote ?? "", key: key, what: "the checkpoint")
            if let held = try peers?.checkpoint(origin, size: checkpoint.size), let heldCheckpoint = try? Checkpoint.verify(note: held, key: key),
                heldCheckpoint.root != checkpoint.root
            {
                breach(
                    "\(origin) signed two different logs of \(checkpoint.size) events: this checkpoint's root \(checkpoint.root.base64) and \(heldCheckpoint.root.base64) from a bundle this node imported"
                )
            }
            return (
                VerificationReport(ledger: origin, events: checkpoint.size, breaches: breaches),
                "checkpoint of \(checkpoint.size) events signed by \(key.reference)\(witnessed)"
            )
        }
        let parsed = try ProofText.parse(proofText)
        let checkpoint = try signed(parsed.checkpointNote, key: key, what: "the proof's checkpoint")
        if parsed.header == ProofText.inclusionHeader {
            guard parsed.number < checkpoint.size else {
                throw LedgerError(.badProof, "the proof is for index \(parsed.number), past the end of its checkpoint of \(checkpoint.size) events")
            }
            let event = try entry(input.event, log: log, origin: origin)
            if !Merkle.verifyInclusion(
                leafHash: Merkle.leafHash(event.bytes), index: parsed.number, size: checkpoint.size, proof: parsed.hashes, root: checkpoint.root)
            {
                breach(
                    "the inclusion proof does not show event \(event.id) as entry \(parsed.number + 1) of \(origin)'s signed checkpoint of \(checkpoint.size) events"
                )
            }
            return (
                VerificationReport(ledger: origin, events: checkpoint.size, breaches: breaches),
                "inclusion proof of event \(event.id) (\(event.envelope.type)) as entry \(parsed.number + 1) of the checkpoint of \(checkpoint.size) events signed by \(key.reference)\(witnessed)"
            )
        }
        let old = parsed.number
        guard old <= checkpoint.size else { throw LedgerError(.badProof, "the proof starts at size \(old), past its checkpoint's \(checkpoint.size)") }
        guard let oldNote = try input.checkpointNote ?? peers?.checkpoint(origin, size: old) else {
            throw LedgerError(
                .usage,
                "a consistency proof from size \(old) of \(origin) is checked against the checkpoint of that size: give it with --checkpoint FILE (this node holds none from \(origin)'s bundles)"
            )
        }
        let oldCheckpoint = try signed(oldNote, key: key, what: "the held checkpoint")
        guard oldCheckpoint.size == old else {
            throw LedgerError(.badProof, "the held checkpoint has \(oldCheckpoint.size) events but the proof starts at \(old)")
        }
        if !Merkle.verifyConsistency(
            firstSize: old, firstRoot: oldCheckpoint.root, secondSize: checkpoint.size, secondRoot: checkpoint.root, proof: parsed.hashes)
        {
            breach("the consistency proof does not show \(origin)'s log of \(old) events is a prefix of its signed checkpoint of \(checkpoint.size) events")
        }
        return (
            VerificationReport(ledger: origin, events: checkpoint.size, breaches: breaches),
            "consistency proof from the checkpoint of \(old) events to the checkpoint of \(checkpoint.size) events, both signed by \(key.reference)\(witnessed)"
        )
    }

    /// With a trust policy set on this node (`amparo policy set`): the origin must be a log it
    /// lists, and the checkpoint's cosignatures must meet its quorum (exit 2 otherwise). Returns
    /// the words naming the witnesses that cosigned; empty without a policy.
    static func policyCheck(_ note: String, origin: String, key: VerifierKey, log: EventLog?) throws -> String {
        guard let log, let (policy, _) = try FederationStore(log: log).policy() else { return "" }
        guard policy.logs.contains(where: { $0.key.name == origin && $0.key == key }) else {
            throw LedgerError(.unauthorized, "the trust policy does not list the log \(origin) (\(key.reference)): not accepted (`amparo policy show`)")
        }
        let verdict = policy.evaluate(try SignedNote(parsing: note))
        guard verdict.accepted else {
            let by = verdict.cosigned.isEmpty ? "no witness of the policy" : verdict.cosigned.joined(separator: ", ")
            throw LedgerError(.unauthorized, "the checkpoint of \(origin) is cosigned by \(by): the trust policy's quorum is not met; not accepted")
        }
        return verdict.cosigned.isEmpty ? "" : "; cosigned by \(verdict.cosigned.joined(separator: ", ")) (the trust policy's quorum is met)"
    }

    /// The origin's node key: `--origin-key` (the key itself or a file holding it), else the peer
    /// key a verified bundle taught this node.
    static func originKey(_ origin: String, given: String?, log: EventLog?) throws -> VerifierKey {
        if let given {
            let text = FileManager.default.fileExists(atPath: given) ? String(decoding: try readInput(given), as: UTF8.self) : given
            let key: VerifierKey
            do {
                key = try VerifierKey(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                throw LedgerError(.badKey, "--origin-key: \(error.message) (give the origin's verifier key NAME+KEYID+BASE64, or a file holding it)")
            }
            guard key.name == origin else {
                throw LedgerError(.badKey, "--origin-key is the key of \(key.name), but the checkpoint is of log \(origin): give \(origin)'s verifier key")
            }
            return key
        }
        if let log, let peer = try PeerStore(log: log).record(origin) { return peer.nodeKey }
        let here = log.map { " (this ledger is \($0.name) and has imported no bundle from \(origin))" } ?? ""
        throw LedgerError(
            .usage,
            "the checkpoint is of log \(origin)\(here): give \(origin)'s verifier key with --origin-key NAME+KEYID+BASE64 (its node prints it with `amparo keys show --node`)"
        )
    }

    /// A checkpoint note verified with `key`; a bad signature or another origin is an error.
    static func signed(_ note: String, key: VerifierKey, what: String) throws -> Checkpoint {
        do {
            return try Checkpoint.verify(note: note, key: key)
        } catch {
            throw LedgerError(error.code, "\(what) does not verify with \(key.reference): \(error.message)")
        }
    }

    /// The event an inclusion proof is checked for: one this node holds (id or sequence), or the
    /// signed event in a file (`log --format json` prints it; its `seq` and `recorded` are
    /// this node's additions and are dropped).
    static func entry(_ given: String?, log: EventLog?, origin: String) throws -> SignedEvent {
        guard let given else {
            throw LedgerError(
                .usage,
                "an inclusion proof from \(origin) is checked against the event it proves: give --event ID (an event this node holds) or --event FILE (the signed event's JSON)"
            )
        }
        if FileManager.default.fileExists(atPath: given) {
            let value = try JSONParser.parse(try readInput(given))
            guard case .object(var object) = value else {
                throw LedgerError(.badDraft, "--event \(given): expected one signed event (a JSON object), not \(value.kindName)")
            }
            object["seq"] = nil
            object["recorded"] = nil
            do {
                return try SignedEvent(bytes: CanonicalJSON.encode(.object(object)))
            } catch {
                throw LedgerError(.badDraft, "--event \(given) is not a signed event: \(error.message)")
            }
        }
        guard let log else { throw LedgerError(.notFound, "--event \(given): no such file, and no ledger to find the event in") }
        let seq = try EventID(parsing: given).flatMap { try log.seq(of: $0) } ?? UInt64(given)
        guard let seq, let stored = try log.event(at: seq) else {
            throw LedgerError(.notFound, "--event \(given): this ledger holds no such event (`amparo log` lists them)")
        }
        return stored.event
    }
}
