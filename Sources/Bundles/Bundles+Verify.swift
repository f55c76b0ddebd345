import Foundation
import Ledger
import Zstd

extension Bundles {
    /// Every check: count and root against the header and the signed note, the exporter's
    /// signature, every event's signature (against `registry` extended by the bundle's own key
    /// events, which chain to its trust anchor), the origin's checkpoint and each relayed log's,
    /// the leaves of each log against its checkpoint, the fork evidence it carries, and — with
    /// `held`, what this ledger holds of each origin — whether each log agrees with it.
    ///
    /// A log that does not extend (or, smaller, is not a prefix of) the tree held of its origin is
    /// a fork: its ``Placement/Verdict/fork(_:held:branch:why:)`` carries the evidence, and the
    /// events of its other branch are not admitted (``VerifiedBundle/withheld``).
    package static func verify(
        _ b: ParsedBundle, trustAnchor: VerifierKey, heldKeyEvents: [(seq: UInt64, event: SignedEvent)], held: HeldLogs? = nil,
        policy: TrustPolicy? = nil, localSigner: VerifierKey? = nil, path: String
    ) throws -> VerifiedBundle {
        let h = b.header
        guard h.count == b.count else {
            throw LedgerError(.corrupt, "\(path): the header says \(h.count) events but the bundle holds \(b.count)")
        }
        guard h.root == b.computedRoot else {
            throw LedgerError(.corrupt, "\(path): the header's Merkle root does not match the events (reordered, altered or replaced events)")
        }
        let expectedNote = "\(BundleFormat.noteMagic)\n\(h.origin)\n\(h.count)\n\(h.root.base64)\n\(b.contentHash.base64)\n"
        guard b.note.text == expectedNote else {
            throw LedgerError(.corrupt, "\(path): the exporter's signed note does not match the bundle's content (altered after signing)")
        }
        // Registry: what the receiver holds plus the bundle's key events, deduplicated by id.
        var seen = Set(heldKeyEvents.map(\.event.id))
        var keyEvents = heldKeyEvents
        for (i, e) in b.keyEvents where !seen.contains(e.id) {
            seen.insert(e.id)
            keyEvents.append((UInt64.max / 2 + UInt64(i), e))
        }
        let (registry, problems) = KeyRegistry.build(trustAnchor: trustAnchor, keyEvents: keyEvents)
        if let p = problems.first(where: { $0.seq >= UInt64.max / 2 }) {
            throw LedgerError(.badSignature, "\(path): key event \(p.event.id) (\(p.event.envelope.type)) is not valid: \(p.problem.message)")
        }
        var exporterKeys = registry.bindings.values.filter { $0.actor == h.exporter && $0.revokedAt.map { $0 > Timestamp.now() } ?? true }.map(\.key)
        // A bundle this node wrote for itself from a peer's served tiles (`amparo sync`) is signed by
        // its own node key; its content is the peer's, proven by the peer's signed checkpoint.
        if let localSigner, h.exporter == localSigner.name { exporterKeys = [localSigner] }
        do {
            _ = try b.note.verified(by: exporterKeys)
        } catch {
            throw LedgerError(.badSignature, "\(path): the bundle is not signed by a registered key of its exporter \(h.exporter): \(error.message)")
        }
        // Every event's signature, on every core; the first problem in bundle order is reported.
        // (A scanned bundle's events are checked as a streaming import reads them again.)
        try checkSignatures(b.events, registry: registry, firstIndex: 0, path: path)
        // Each log: its checkpoint signed by its origin's key, its leaves making that tree, and
        // what it is to the tree held of that origin.
        let logs = [BundleHeader.RelayedLog(origin: h.origin, originKey: h.originKey, checkpoint: h.checkpoint)] + h.logs
        var placements: [Placement] = []
        for (k, l) in logs.enumerated() {
            let key: VerifierKey
            let checkpoint: Checkpoint
            let whose = k == 0 ? "the origin's checkpoint" : "the checkpoint of relayed log \(l.origin)"
            do {
                key = try VerifierKey(parsing: l.originKey)
                checkpoint = try Checkpoint.verify(note: l.checkpoint, key: key)
            } catch {
                throw LedgerError(.badSignature, "\(path): \(whose) does not verify with its node key: \(error.message)")
            }
            guard checkpoint.origin == l.origin else {
                throw LedgerError(.corrupt, "\(path): \(whose) is of \(checkpoint.origin), not of \(l.origin)")
            }
            if logs[..<k].contains(where: { $0.origin == l.origin }) {
                throw LedgerError(.corrupt, "\(path): the log of \(l.origin) appears twice")
            }
            var edge = CompactRange()
            let leaves = b.leaves[k]
            var at = 0
            while at < leaves.count {
                _ = edge.append(Array(leaves[at..<at + 32]))
                at += 32
            }
            guard edge.root == checkpoint.root else {
                throw LedgerError(.corrupt, "\(path): the leaf hashes of \(l.origin)'s log do not make the root of its checkpoint (altered in transit)")
            }
            placements.append(
                try Placement.judge(origin: l.origin, key: key, note: l.checkpoint, checkpoint: checkpoint, leaves: leaves, held: held, path: path))
        }
        // With a trust policy: every log the bundle carries is one it lists, and its checkpoint's
        // cosignatures meet the quorum.
        var cosigners: [String] = []
        if let policy {
            for (k, l) in logs.enumerated() {
                guard policy.logs.contains(where: { $0.key.name == l.origin && $0.key == placements[k].key }) else {
                    throw LedgerError(
                        .unauthorized, "\(path): the trust policy does not list the log \(l.origin) (\(placements[k].key.reference)); nothing was imported")
                }
                let verdict = policy.evaluate(try SignedNote(parsing: l.checkpoint))
                guard verdict.accepted else {
                    let by = verdict.cosigned.isEmpty ? "no witness of the policy" : verdict.cosigned.joined(separator: ", ")
                    throw LedgerError(
                        .unauthorized,
                        "\(path): the checkpoint of \(l.origin) is cosigned by \(by)\(verdict.bad.isEmpty ? "" : " (a bad cosignature by \(verdict.bad.joined(separator: ", ")))"): the trust policy's quorum is not met; nothing was imported (ask \(l.origin) to collect cosignatures: `amparo checkpoint --collect`)"
                    )
                }
                if k == 0 { cosigners = verdict.cosigned }
            }
        }
        // Each kept event is the leaf its placement names (a streaming import checks them as it
        // reads them again).
        var bundle = VerifiedBundle(
            parsed: b, checkpoint: placements[0].checkpoint, exporterKey: exporterKeys.first!, growth: placements[0].growth, registry: registry,
            placements: placements)
        bundle.cosigners = cosigners
        for (i, e) in b.events.enumerated() { _ = try bundle.admits(i, leaf: e.leafHash, path: path) }
        // The evidence it carries holds, each with the origin's key alone.
        for e in h.evidence {
            let known = try held?.key(e.origin)
            do {
                try e.check(knownKey: known)
            } catch {
                throw LedgerError(.badProof, "\(path): \(error.message)")
            }
        }
        return bundle
    }

    /// The first bad signature among `events` (bundle index `firstIndex` onwards) is an error
    /// naming its line; checked on every core.
    static func checkSignatures(_ events: [SignedEvent], registry: KeyRegistry, firstIndex: Int, path: String) throws {
        let problems = registry.check(events)
        if let i = problems.firstIndex(where: { $0 != nil }) {
            throw LedgerError(.badSignature, "\(path) line \(firstIndex + i + 3): event \(events[i].id): \(problems[i]!.message)")
        }
    }
}
