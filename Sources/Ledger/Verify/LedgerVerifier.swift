import Foundation
import LMDB

/// The auditor's integrity check: re-reads every entry, recomputes every hash and the Merkle
/// tree, checks every stored checkpoint and every signature against the key registry.
///
/// Finds integrity problems (bytes, indexes, tree or checkpoints do not match), signature problems
/// (a signature is invalid, or its key was not registered to the actor, or was revoked, at
/// `occurred`) and key events by someone other than the key authority. An entry
/// whose bytes fail integrity is not checked further: its content cannot be trusted.
///
/// - Complexity: two passes over the log; O(log n) memory plus the key events and one batch of
///   events whose signatures are checked on every core.
public enum LedgerVerifier {
    /// Verifies `log` as of one snapshot (see ``verify(_:in:held:each:)``).
    public static func verify(_ log: EventLog, held: String? = nil, each: ((StoredEvent) throws -> Void)? = nil) throws -> LedgerReport {
        try log.read { try verify(log, in: $0, held: held, each: each) }
    }

    /// Verifies `log` as it stands in `snapshot`: every finding is about that one tree size, so
    /// writers appending meanwhile never produce one. `held` is a checkpoint note an auditor kept
    /// earlier: of this ledger's origin, signed by its node key, a prefix of the log. `each` sees
    /// every intact event in log order (for the Agreement's rules, which live above this layer).
    ///
    /// - Complexity: one pass over the events (plus the key events, read first through their
    ///   index); O(log n) memory plus the key events and one batch of events whose signatures are
    ///   checked on every core.
    static func verify(
        _ log: EventLog, in snapshot: borrowing Snapshot, held: String? = nil,
        each: ((StoredEvent) throws -> Void)? = nil
    ) throws -> LedgerReport {
        let batchSize = 4096
        var breaches: [Finding] = []
        func integrity(_ seq: UInt64?, _ message: String, event: SignedEvent? = nil) {
            breaches.append(
                Finding(
                    .integrity, seq: seq, event: event?.id.description, caseID: event?.envelope.caseID,
                    actor: event?.envelope.actor, message: message))
        }
        let heldCheckpoint = try held.map { note in try heldCheckpointChecked(note, log: log) { integrity(nil, $0) } }

        // The key events, through their index, make the registry; the pass below checks the index
        // lists exactly the key events the log holds.
        let indexedKeyEvents = try log.keyEvents(in: snapshot)
        let (registry, keyProblems) = KeyRegistry.build(trustAnchor: log.trustAnchor, keyEvents: indexedKeyEvents.map { ($0.seq, $0.event) })
        let indexedKeySeqs = Set(indexedKeyEvents.map(\.seq))
        var keyEventsSeen = 0
        var keyProblemBySeq: [UInt64: KeyRegistry.Problem] = [:]
        for (seq, _, problem) in keyProblems { keyProblemBySeq[seq] = problem }

        var checkpoints: [UInt64: String] = [:]
        for (size, note) in try log.storedCheckpoints(in: snapshot) { checkpoints[size] = note }
        var recomputed = CompactRange()  // from the events' bytes
        var fromStored = CompactRange()  // from the stored leaf hashes: checks interior nodes
        var expected: UInt64 = 1
        var explained = false  // an earlier INTEGRITY breach already explains later root mismatches
        var pending: [(seq: UInt64, event: SignedEvent)] = []
        func flushSignatures() {
            var known: [Int: KeyRegistry.Problem] = [:]
            for (i, p) in pending.enumerated() { if let problem = keyProblemBySeq[p.seq] { known[i] = problem } }
            for (i, problem) in registry.check(pending.map(\.event), known: known).enumerated() {
                guard let problem else { continue }
                let e = pending[i].event.envelope
                breaches.append(
                    Finding(
                        problem.check, seq: pending[i].seq, event: e.id.description, caseID: e.caseID,
                        actor: e.actor, message: problem.message))
            }
            pending.removeAll(keepingCapacity: true)
        }

        func checkRoots(at size: UInt64) throws {
            if let note = checkpoints[size] {
                do {
                    let cp = try Checkpoint.verify(note: note, key: log.nodeKey)
                    if cp.size != size || cp.root != recomputed.root, !explained {
                        integrity(size, "the checkpoint the node signed at size \(size) does not match the log's events: the log was rewritten")
                        explained = true
                    }
                } catch {
                    integrity(size, "the stored checkpoint at size \(size) is not validly signed by the node key: \(error)")
                }
            }
            if let heldCheckpoint, heldCheckpoint.size == size, heldCheckpoint.root != recomputed.root {
                integrity(size, "the held checkpoint of size \(size) is not consistent with this log: its first \(size) events were altered")
            }
        }
        try checkRoots(at: 0)

        // The pure work of an entry (its leaf hash, decoding with the canonical check) runs on
        // every core a batch at a time; what reads the snapshot or the running tree stays on this
        // thread, in log order.
        func check(_ raw: RawEntry, leaf: Hash32, event: SignedEvent?) throws {
            let seq = raw.seq
            if seq != expected {
                integrity(expected, "sequence numbers jump from \(expected - 1) to \(seq): events are missing")
                explained = true
                expected = seq
            }
            expected += 1
            let storedLeaf = try log.storedSubtree(in: snapshot, level: 0, index: seq - 1)
            var intact = true
            if storedLeaf != leaf {
                integrity(
                    seq, "the event at sequence \(seq) does not match the Merkle leaf recorded when it was appended: its bytes were altered", event: event)
                intact = false
                explained = true
            } else if event == nil {
                integrity(seq, "the entry at sequence \(seq) is not a well-formed, canonical signed event")
                intact = false
                explained = true
            }
            recomputed.append(leaf)
            for node in fromStored.append(storedLeaf ?? leaf) {
                let stored = try log.storedSubtree(in: snapshot, level: node.level, index: node.index)
                if stored != node.hash {
                    integrity(seq, "the stored Merkle node (level \(node.level), index \(node.index)) does not match its children")
                    explained = true
                }
            }
            if let event, intact {
                if try log.seq(in: snapshot, of: event.id) != seq {
                    integrity(seq, "the id index does not point event \(event.id) at sequence \(seq)", event: event)
                }
                if KeyRegistry.isKeyEvent(event.envelope.type) {
                    keyEventsSeen += 1
                    if !indexedKeySeqs.contains(seq) {
                        integrity(
                            seq, "the key-event index does not list the \(event.envelope.type) at sequence \(seq): keys were hidden from the registry",
                            event: event)
                    }
                }
                pending.append((seq, event))
                if pending.count >= batchSize { flushSignatures() }
                try each?(StoredEvent(seq: seq, recorded: raw.recorded, event: event))
            }
            try checkRoots(at: seq)
        }
        var batch: [RawEntry] = []
        batch.reserveCapacity(batchSize)
        func flushBatch() throws {
            let decoded = concurrentMap(batch.count) { i in (Merkle.leafHash(batch[i].bytes), try? SignedEvent(bytes: batch[i].bytes)) }
            for (raw, (leaf, event)) in zip(batch, decoded) { try check(raw, leaf: leaf, event: event) }
            batch.removeAll(keepingCapacity: true)
        }
        try log.forEachRaw(in: snapshot) { raw in
            batch.append(raw)
            if batch.count >= batchSize { try flushBatch() }
            return true
        }
        try flushBatch()
        flushSignatures()
        let size = expected - 1
        if indexedKeyEvents.count != keyEventsSeen, !explained {
            integrity(nil, "the key-event index lists \(indexedKeyEvents.count) entries but the log holds \(keyEventsSeen) key events")
        }
        for cpSize in checkpoints.keys.sorted() where cpSize > size {
            integrity(nil, "the node signed a checkpoint of size \(cpSize) but the log holds only \(size) events: events were removed")
        }
        if let heldCheckpoint, heldCheckpoint.size > size {
            integrity(nil, "the held checkpoint has size \(heldCheckpoint.size) but the log holds only \(size) events: events were removed")
        }
        let storedHashes = try log.storedHashCount(in: snapshot)
        if storedHashes != Merkle.storedHashCount(size) {
            integrity(nil, "the Merkle tree holds \(storedHashes) hashes; \(size) events need \(Merkle.storedHashCount(size))")
        }
        let ids = try log.idIndexCount(in: snapshot)
        if ids != Int(size) {
            integrity(nil, "the id index holds \(ids) entries for \(size) events")
        }
        // Log order (findings without a sequence last); stable, so a report is deterministic.
        let ordered = breaches.enumerated().sorted { ($0.element.seq ?? .max, $0.offset) < ($1.element.seq ?? .max, $1.offset) }.map(\.element)
        return LedgerReport(ledger: log.name, events: size, findings: ordered)
    }

    /// Reads a checkpoint an auditor kept. One of another log is a usage error (exit 2); one of
    /// this log that this ledger's node key did not sign is a finding (`report`): the node key was
    /// replaced, or the checkpoint forged. Its size and root are still compared with the log.
    /// `what` names it in sentences: "the held checkpoint", "the proof's checkpoint".
    public static func heldCheckpointChecked(
        _ note: String, log: EventLog, what: String = "the held checkpoint", report: (String) -> Void
    ) throws -> Checkpoint {
        let parsed: SignedNote
        let checkpoint: Checkpoint
        do {
            parsed = try SignedNote(parsing: note)
            checkpoint = try Checkpoint(text: parsed.text)
        } catch {
            throw LedgerError(.usage, "\(what) is not a signed checkpoint: \(error.message)")
        }
        guard checkpoint.origin == log.name else {
            throw LedgerError(.usage, "\(what) is of log \(checkpoint.origin), not of this ledger (\(log.name))")
        }
        do {
            _ = try parsed.verified(by: [log.nodeKey])
        } catch {
            let signers = parsed.signatures.map { "\($0.name)+\($0.keyID.hex)" }.joined(separator: ", ")
            report(
                "\(what) of size \(checkpoint.size) was signed by \(signers), not by this ledger's node key \(log.nodeKey.reference): the node key was replaced or the checkpoint forged"
            )
        }
        return checkpoint
    }
}
