import Foundation

/// The auditor's integrity check: re-reads every entry, recomputes every hash and the Merkle
/// tree, checks every stored checkpoint and every signature against the key registry.
///
/// Reports `INTEGRITY` (bytes, indexes, tree or checkpoints do not match), `SIGNATURE` (a
/// signature is invalid, or its key was not registered to the actor, or was revoked, at
/// `occurred`) and `AUTHORITY` (a key event by someone other than the Secretariat). An entry
/// whose bytes fail integrity is not checked further: its content cannot be trusted.
///
/// - Complexity: two passes over the log; O(log n) memory plus the key events and one batch of
///   events whose signatures are checked on every core.
public enum LedgerVerifier {
    /// Verifies `log`. `held` is a checkpoint note an auditor kept earlier: it must be signed by
    /// this node and be a prefix of the log. `each` sees every intact event in log order (for the
    /// Agreement's rules, which live above this layer).
    public static func verify(_ log: EventLog, held: String? = nil, each: ((StoredEvent) throws -> Void)? = nil) throws -> VerificationReport {
        let heldCheckpoint = try held.map { note -> Checkpoint in
            do {
                return try Checkpoint.verify(note: note, key: log.nodeKey)
            } catch let error as LedgerError {
                throw LedgerError(error.code, "the held checkpoint is not one of this ledger's: \(error.message)")
            }
        }
        // Pass 1: the key events, wherever they are, make the registry.
        var keyEvents: [(UInt64, SignedEvent)] = []
        try log.forEachRaw { raw in
            if let event = try? SignedEvent(bytes: raw.bytes), KeyRegistry.isKeyEvent(event.envelope.type) {
                keyEvents.append((raw.seq, event))
            }
            return true
        }
        let (registry, keyProblems) = KeyRegistry.build(trustAnchor: log.trustAnchor, keyEvents: keyEvents)
        var keyProblemBySeq: [UInt64: KeyRegistry.Problem] = [:]
        for (seq, _, problem) in keyProblems { keyProblemBySeq[seq] = problem }

        var breaches: [Breach] = []
        func integrity(_ seq: UInt64?, _ message: String, event: SignedEvent? = nil) {
            breaches.append(Breach(rule: "INTEGRITY", seq: seq, event: event?.id.description, caseID: event?.envelope.caseID,
                                   actor: event?.envelope.actor, message: message))
        }
        var checkpoints: [UInt64: String] = [:]
        for (size, note) in try log.storedCheckpoints() { checkpoints[size] = note }
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
                breaches.append(Breach(rule: problem.rule, seq: pending[i].seq, event: e.id.description, caseID: e.caseID,
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

        try log.forEachRaw { raw in
            let seq = raw.seq
            if seq != expected {
                integrity(expected, "sequence numbers jump from \(expected - 1) to \(seq): events are missing")
                explained = true
                expected = seq
            }
            expected += 1
            let leaf = Merkle.leafHash(raw.bytes)
            let storedLeaf = try log.storedSubtree(level: 0, index: seq - 1)
            let event = try? SignedEvent(bytes: raw.bytes)
            var intact = true
            if storedLeaf != leaf {
                integrity(seq, "the event at sequence \(seq) does not match the Merkle leaf recorded when it was appended: its bytes were altered", event: event)
                intact = false
                explained = true
            } else if event == nil {
                integrity(seq, "the entry at sequence \(seq) is not a well-formed, canonical signed event")
                intact = false
                explained = true
            }
            recomputed.append(leaf)
            for node in fromStored.append(storedLeaf ?? leaf) {
                let stored = try log.storedSubtree(level: node.level, index: node.index)
                if stored != node.hash {
                    integrity(seq, "the stored Merkle node (level \(node.level), index \(node.index)) does not match its children")
                    explained = true
                }
            }
            if let event, intact {
                if try log.seq(of: event.id) != seq {
                    integrity(seq, "the id index does not point event \(event.id) at sequence \(seq)", event: event)
                }
                pending.append((seq, event))
                if pending.count >= 8192 { flushSignatures() }
                try each?(StoredEvent(seq: seq, recorded: raw.recorded, event: event))
            }
            try checkRoots(at: seq)
            return true
        }
        flushSignatures()
        let size = expected - 1
        for cpSize in checkpoints.keys.sorted() where cpSize > size {
            integrity(nil, "the node signed a checkpoint of size \(cpSize) but the log holds only \(size) events: events were removed")
        }
        if let heldCheckpoint, heldCheckpoint.size > size {
            integrity(nil, "the held checkpoint has size \(heldCheckpoint.size) but the log holds only \(size) events: events were removed")
        }
        let storedHashes = try log.storedHashCount()
        if storedHashes != Merkle.storedHashCount(size) {
            integrity(nil, "the Merkle tree holds \(storedHashes) hashes; \(size) events need \(Merkle.storedHashCount(size))")
        }
        if try log.idIndexCount() != Int(size) {
            integrity(nil, "the id index holds \(try log.idIndexCount()) entries for \(size) events")
        }
        // Log order (breaches without a sequence last); stable, so a report is deterministic.
        let ordered = breaches.enumerated().sorted { ($0.element.seq ?? .max, $0.offset) < ($1.element.seq ?? .max, $1.offset) }.map(\.element)
        return VerificationReport(ledger: log.name, events: size, breaches: ordered)
    }
}
