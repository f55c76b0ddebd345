import Foundation
import Ledger
import Zstd

extension Bundles {
    // MARK: Import

    /// The one line of a FORK: which origins, why, and what was (not) admitted.
    package static func forkMessage(path: String, forks: [(origin: String, why: String)], added: Int?, withheld: Int) -> String {
        let what = forks.map { "\($0.origin) presents a log that does not agree with the one held of it (\($0.why))" }.joined(separator: "; ")
        let done =
            added.map { $0 == 0 ? "nothing was imported" : "\($0) other event\($0 == 1 ? "" : "s") of agreeing logs were imported" }
            ?? "nothing was written"
        return
            "FORK: \(path): \(what); \(withheld) event\(withheld == 1 ? "" : "s") of the other branch not admitted, \(done); the signed checkpoints are kept as evidence (`amparo peers`, `amparo evidence export`)"
    }

    /// What an import did.
    package struct ImportResult: Sendable {
        package let added: Int
        package let skipped: Int
        package let growth: String
        package let checkpoint: SignedNote
        /// Events of a forked log's other branch, not admitted.
        package let withheld: Int
        /// The forks found (their evidence is stored), by origin, with why.
        package let forks: [(origin: String, why: String)]
        /// Fork evidence the bundle carried that this ledger did not hold yet (stored).
        package let evidenceAdded: Int
        /// The policy's witnesses that cosigned the origin's checkpoint (empty without a policy).
        package var cosigners: [String] = []
    }

    /// Verifies everything, then appends in one transaction, streaming: a first pass checks the
    /// structure, counts the events, computes the root and content hash and keeps only the key
    /// events and the logs' leaves; the bundle's note, exporter, checkpoints, leaves and carried
    /// evidence are verified and each log is placed against what is held of its origin; then,
    /// inside one write transaction, a second pass reads the events again a batch at a time,
    /// checks their signatures and the screen, and appends them, and the mirrors of the logs it
    /// carried grow. The second pass must read the very bytes the first verified (same content
    /// hash and count), else nothing is written.
    ///
    /// A log that forks from the one held of its origin: its evidence is stored, the events of its
    /// other branch are not admitted (the rest is), and the result names the fork (the command
    /// exits 1). Evidence the bundle carries is stored once checked. Events already held are
    /// skipped; a different event under a known id is refused as equivocation. Breaches of the
    /// Agreement inside the bundle are imported (the sender's acts are facts) and `verify`
    /// reports them. `screen` sees every admitted event after its checks and before anything is
    /// committed; an error it throws refuses the bundle whole (the personal-data screen).
    /// `progress` hears (done, total) over both passes (total: twice the events).
    package static func importBundle(
        path: String, into log: EventLog, bound: Int = BundleFormat.maximumSize, screen: ImportScreen = { _ in },
        progress: ((UInt64, UInt64) -> Void)? = nil, local: Bool = false
    ) throws -> ImportResult {
        // The first reading is complete only once the leaves and the note are read too.
        let scanned = try parse(reader: try LineReader(path: path, bound: bound), path: path, keep: false) { done, total in
            if done < total { progress?(done, 2 * total) }
        }
        let total = UInt64(scanned.count)
        progress?(total, 2 * total)
        let peers = PeerStore(log: log)
        let verified = try verify(
            scanned, trustAnchor: log.trustAnchor, heldKeyEvents: try log.keyEvents().map { ($0.seq, $0.event) }, held: HeldLogs(log: log),
            policy: try FederationStore(log: log).policy()?.policy, localSigner: local ? log.nodeKey : nil, path: path)
        // Evidence is kept whatever follows: what this ledger found, then what the bundle carried.
        for fork in verified.forks { try peers.recordFork(fork.evidence, held: fork.held) }
        let vouched = Dictionary(verified.placements.map { ($0.origin, $0.key) }) { a, _ in a }
        let evidenceAdded = try peers.importEvidence(scanned.header.evidence, onlyKnown: vouched)
        let origins = [scanned.header.origin] + scanned.header.logs.map(\.origin)
        var withheldCount = 0
        // The second reading, from the start each time the transaction runs (it runs again when
        // the memory map must grow).
        try log.reserve(eventBytes: scanned.eventBytes)
        var reader: LineReader?
        var hasher = ContentHasher()
        var done = 0
        var ended = false
        var placedAt: [EventID: (String, UInt64)] = [:]
        var inWords = false
        var wordsDone = false
        var withheldIDs = Set<EventID>()
        let counts = try log.append(
            restart: {
                var fresh = try LineReader(path: path, bound: bound)
                hasher = ContentHasher()
                _ = try readHead(&fresh, &hasher, path: path)
                reader = fresh
                done = 0
                ended = false
                withheldCount = 0
                placedAt = [:]
                inWords = false
                wordsDone = false
                withheldIDs = []
            },
            batches: { () throws -> [SignedEvent]? in
                var lines: [[UInt8]] = []
                while !ended, lines.count < batchLines, let line = try reader?.next() {
                    if line == Array(BundleFormat.noteMagic.utf8) {
                        ended = true
                    } else {
                        // Hashed in the order read: the events, then their placements and the leaves.
                        hasher.line(line)
                        if !line.starts(with: LeafSections.prefix) && !line.starts(with: PlacementLines.prefix) { lines.append(line) }
                    }
                }
                if lines.isEmpty {
                    guard hasher.finish() == scanned.contentHash, done == scanned.count else {
                        throw LedgerError(
                            .corrupt,
                            "\(path) changed while it was being imported (its second reading differs from the verified one); nothing was written; import it again once the file is complete"
                        )
                    }
                    return nil
                }
                // No canonical re-encoding: the first reading checked every line, and the content
                // hash compared before the commit proves these are the same bytes.
                let events = try concurrentMap(lines.count) { i in
                    do {
                        return try SignedEvent(bytes: lines[i], checkCanonical: false)
                    } catch {
                        throw LedgerError(
                            .corrupt,
                            "\(path) changed while it was being imported (line \(done + i + 3) no longer reads as it did); nothing was written; import it again once the file is complete"
                        )
                    }
                }
                guard done + events.count <= scanned.count else {
                    throw LedgerError(
                        .corrupt,
                        "\(path) changed while it was being imported (its second reading holds more events than the verified one); nothing was written; import it again once the file is complete"
                    )
                }
                try checkSignatures(events, registry: verified.registry, firstIndex: done, path: path)
                // Each event is the leaf its placement names; the other branch of a fork is not
                // admitted: nothing of it enters this log.
                var admitted: [SignedEvent] = []
                for (i, event) in events.enumerated() {
                    guard try verified.admits(done + i, leaf: event.leafHash, path: path) else {
                        withheldIDs.insert(event.id)
                        continue
                    }
                    admitted.append(event)
                    let (k, index) = scanned.placement(done + i)
                    placedAt[event.id] = (origins[k], index)
                }
                withheldCount += events.count - admitted.count
                done += events.count
                progress?(total + UInt64(done), 2 * total)
                for event in admitted { try screen(.event(event)) }
                return admitted
            },
            words: { () throws -> [WordsPart]? in
                // After the note: its lines, then the words section (read to the end), a batch at a time.
                guard !wordsDone else { return nil }
                var parts: [WordsPart] = []
                while parts.count < batchLines {
                    guard let line = try reader?.next() else {
                        wordsDone = true
                        break
                    }
                    if !inWords {
                        inWords = line == Array(BundleFormat.wordsMagic.utf8)
                        continue
                    }
                    do {
                        parts.append(try WordsPart(line: line))
                    } catch {
                        throw LedgerError(
                            .corrupt,
                            "\(path) changed while it was being imported (a words line no longer reads as it did); nothing was written; import it again once the file is complete"
                        )
                    }
                }
                // The words of an event the fork's other branch holds are not kept either.
                parts.removeAll { withheldIDs.contains($0.event) }
                return parts
            },
            screenWords: { part, event in try screen(.words(part, of: event)) },
            afterBatch: { txn, batch in
                // Where each admitted event was first recorded, kept (once) so that this node's own
                // bundles place it there too.
                for event in batch {
                    guard let (origin, index) = placedAt.removeValue(forKey: event.id), origin != log.name else { continue }
                    try PeerStore.place(txn, event.id, origin: origin, index: index)
                }
            },
            finish: { txn in
                // Every log that agrees with what is held: its checkpoint kept, its mirror grown.
                for (k, p) in verified.placements.enumerated() where p.origin != log.name {
                    if case .fork = p.verdict { continue }
                    try peers.remember(
                        txn, origin: p.origin, nodeKey: p.key, checkpointNote: p.note, checkpoint: p.checkpoint, held: p.heldRecord,
                        leaves: scanned.leaves[k])
                }
            })
        var result = ImportResult(
            added: counts.appended, skipped: counts.held, growth: verified.growth, checkpoint: try log.checkpoint(), withheld: withheldCount,
            forks: verified.forks.map { ($0.origin, $0.why) }, evidenceAdded: evidenceAdded)
        result.cosigners = verified.cosigners
        if !result.forks.isEmpty {
            throw ForkFound(result: result, message: forkMessage(path: path, forks: result.forks, added: result.added, withheld: result.withheld))
        }
        return result
    }
}
