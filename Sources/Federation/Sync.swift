import AsyncHTTPClient
import Bundles
import Foundation
import Ledger
import NIOCore
import NIOHTTP1

/// Live sync: each peer the trust policy lists with a URL is read from what it serves (its
/// checkpoint, C2SP tlog-tiles leaves and entry bundles, where each entry was first recorded, the
/// fork evidence it holds), and what is new is imported with every check of a bundle import
/// (signatures, the screen, placement against the tree held of the peer, evidence), through a
/// bundle this node writes for itself and signs with its own node key. One transaction a chunk of
/// entries, then how far it got (`FederationStore.syncedThrough`): a sync killed part way loses
/// and doubles nothing, and the next run resumes from the last chunk imported.
package enum Sync {
    /// What syncing one peer did.
    package struct Outcome: Sendable {
        package let peer: String
        package let ok: Bool
        /// FORK: the peer's log does not agree with the tree held of it (evidence kept).
        package let fork: Bool
        package let detail: String
        /// The peer's checkpoint this node accepted and now holds (submitted to the witnesses).
        var note: SignedNote? = nil
        /// What the policy's witnesses answered when the peer's checkpoint was submitted to them.
        package var witnesses: [Cosigning.Outcome] = []

        /// The line `amparo sync` prints for a peer it synced: what was imported, and the witnesses
        /// that cosigned the peer's checkpoint this node submitted.
        package var summary: String {
            let cosigned = witnesses.filter(\.cosigned).map(\.witness)
            return "\(peer): \(detail)" + (cosigned.isEmpty ? "" : "; witnessed by \(cosigned.joined(separator: ", "))")
        }
    }

    /// Bounds on what a peer serves: a checkpoint or evidence answer, one tile.
    package static let maximumAnswer = 16 << 20

    /// Syncs every peer of `policy` with a URL, one after the other; one peer's failure is its own
    /// outcome. `chunk`: the events a transaction imports at most (default ``chunkEvents(_:)``).
    /// `screen` is bundle import's; `progress` hears ("syncing PEER", entries done, entries to do)
    /// after each chunk imported.
    package static func pull(
        log: EventLog, policy: TrustPolicy, work: String, timeout: Int64 = 30, screen: @escaping ImportScreen = { _ in },
        progress: ((String, UInt64, UInt64) -> Void)? = nil, chunk: Int? = nil
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for peer in policy.logs where peer.key.name != log.name {
            guard let url = peer.url else { continue }
            do {
                var outcome = try await pull(
                    log: log, policy: policy, peer: peer.key, url: url, work: work, timeout: timeout, screen: screen, progress: progress, chunk: chunk)
                if let note = outcome.note {
                    outcome.witnesses = await Cosigning.witnessPeer(log: log, policy: policy, peer: peer.key, url: url, note: note, timeout: min(timeout, 10))
                }
                outcomes.append(outcome)
            } catch let found as ForkFound {
                outcomes.append(Outcome(peer: peer.key.name, ok: false, fork: true, detail: found.message))
            } catch let error as LedgerError {
                outcomes.append(Outcome(peer: peer.key.name, ok: false, fork: error.code == .fork, detail: error.message))
            } catch {
                outcomes.append(Outcome(peer: peer.key.name, ok: false, fork: false, detail: "\(url) is unreachable: \(error)"))
            }
        }
        return outcomes
    }

    static func pull(
        log: EventLog, policy: TrustPolicy, peer: VerifierKey, url: String, work: String, timeout: Int64, screen: @escaping ImportScreen,
        progress: ((String, UInt64, UInt64) -> Void)?, chunk events: Int?
    ) async throws -> Outcome {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        // An unreachable peer costs at most 10 s (the HTTP client retries a refused connection
        // until the deadline); what follows has the whole timeout.
        let noteText = String(decoding: try await get(base + "/checkpoint", timeout: min(timeout, 10)), as: UTF8.self)
        // Evidence next, whatever follows: it is checked with each origin's key alone, so a peer
        // whose own checkpoint is not accepted still passes on what it found.
        let keys = Dictionary(policy.logs.map { ($0.key.name, $0.key) }) { a, _ in a }
        if let served = try? await get(base + "/amparo/evidence", timeout: min(timeout, 10)), !served.isEmpty,
            let evidence = try? EvidenceFile.decode(served, path: base + "/amparo/evidence")
        {
            _ = try? PeerStore(log: log).importEvidence(evidence, onlyKnown: keys)
        }
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote(parsing: noteText)
            checkpoint = try Checkpoint.verify(note: noteText, key: peer)
        } catch {
            throw LedgerError(.badSignature, "\(base)/checkpoint is not a checkpoint signed by \(peer.reference): \(error.message)")
        }
        guard checkpoint.origin == peer.name else { throw LedgerError(.badSignature, "\(base)/checkpoint is of \(checkpoint.origin), not \(peer.name)") }
        // What a peer claims is bounded before anything is fetched or held for it.
        guard checkpoint.size <= BundleFormat.maximumLeaves else {
            throw LedgerError(
                .corrupt, "\(base)/checkpoint claims \(checkpoint.size) events, past the bound of \(BundleFormat.maximumLeaves) a sync (like a bundle) holds")
        }
        let verdict = policy.evaluate(note)
        guard verdict.accepted else {
            let by = verdict.cosigned.isEmpty ? "no witness of the policy" : verdict.cosigned.joined(separator: ", ")
            throw LedgerError(.unauthorized, "its checkpoint of \(checkpoint.size) events is cosigned by \(by): the trust policy's quorum is not met")
        }
        let peers = PeerStore(log: log)
        let store = FederationStore(log: log)
        let held = try peers.record(peer.name)
        let heldSize = held?.checkpoint.size ?? 0
        // Entries before `through` are held: the tree held, or less where a sync stopped part way.
        let through = min(heldSize, try store.syncedThrough(peer.name) ?? heldSize)
        if let held, held.checkpoint.size == checkpoint.size, held.checkpoint.root == checkpoint.root, through == heldSize {
            return Outcome(peer: peer.name, ok: true, fork: false, detail: "up to date at \(checkpoint.size) events", note: note)
        }
        // The peer's whole tree: what this node mirrors, then the level-0 tiles past it.
        let mirrored = min(held?.mirrored ?? 0, held?.checkpoint.size ?? 0, checkpoint.size) / 256 * 256
        var leaves: [UInt8] = []
        leaves.reserveCapacity(Int(checkpoint.size) * 32)
        if mirrored > 0 { try peers.forEachMirroredLeaf(peer.name, count: mirrored) { _, h in leaves += h } }
        var n = mirrored / 256
        while UInt64(leaves.count / 32) < checkpoint.size {
            let width = Int(min(256, checkpoint.size - n * 256))
            let tile = try await get(base + "/tile/0/" + path(n, width), timeout: timeout)
            guard tile.count == 32 * width else {
                throw LedgerError(.corrupt, "\(base): tile 0/\(path(n, width)) holds \(tile.count) bytes, not \(32 * width)")
            }
            leaves += tile
            n += 1
        }
        // The entries past what is held (a smaller or diverging tree is judged by the import), in
        // chunks: each is imported (one transaction) and then recorded as held, so a sync killed
        // part way resumes from its last chunk, and memory holds two chunks of events at most. The
        // next chunk is fetched while one is imported.
        let first = min(through, checkpoint.size) / 256 * 256
        let fetcher = Fetcher(base: base, size: checkpoint.size, timeout: timeout)
        let chunk = events ?? chunkEvents(checkpoint.size)
        var added = 0
        var skipped = 0
        var fetching: Task<Fetcher.Chunk, any Error>? = Task { try await fetcher.chunk(from: first / 256, events: chunk) }
        defer { fetching?.cancel() }
        while let task = fetching {
            let fetched = try await task.value
            fetching = fetched.end < checkpoint.size ? Task { try await fetcher.chunk(from: fetched.end / 256, events: chunk) } : nil
            var events: [(bytes: [UInt8], index: UInt64)] = []
            var ids = Set<EventID>()
            for (offset, entry) in fetched.entries.enumerated() {
                let index = fetched.start + UInt64(offset)
                guard Merkle.leafHash(entry.bytes) == Array(leaves[Int(index) * 32..<Int(index) * 32 + 32]) else {
                    throw LedgerError(.corrupt, "\(base): entry \(index) is not the leaf its tile holds")
                }
                // The peer's own events, and the key events every signature needs; events it
                // received from another node come from that node. (Decoded once here; the
                // import checks every byte again.)
                let event = try? SignedEvent(bytes: entry.bytes, checkCanonical: false)
                if entry.own || event.map({ KeyRegistry.isKeyEvent($0.envelope.type) }) == true, index >= through || entry.own {
                    events.append((entry.bytes, index))
                    if let event { ids.insert(event.id) }
                }
            }
            // The words of the events imported (a peer's words of other events are not kept).
            let result = try importChunk(
                log: log, peer: peer, base: base, noteText: noteText, events: events, words: fetched.words.filter { ids.contains($0.event) },
                leaves: leaves, work: work, screen: screen)
            try store.setSyncedThrough(peer.name, fetched.end)
            added += result.added
            skipped += result.skipped
            progress?("syncing \(peer.name)", fetched.end - first, checkpoint.size - first)
        }
        return Outcome(
            peer: peer.name, ok: true, fork: false, detail: "\(through) → \(checkpoint.size) events, \(added) imported, \(skipped) already held", note: note)
    }

    /// A chunk: at most this many events, or `chunkBytes` of them, are imported at once: 16,384,
    /// or a 64th of the peer's log when that is more (each chunk's bundle carries the peer's whole
    /// tree, 32 bytes an event, so a log of 2^24 events is imported in 64 chunks or more).
    package static func chunkEvents(_ size: UInt64) -> Int { max(16384, Int(size / 64)) }
    package static let chunkBytes = 32 << 20
    /// The bounds of `--chunk`.
    package static let chunkRange = 256...(1 << 20)

    /// Reads a peer's entry bundles and where each entry was first recorded, a chunk at a time.
    struct Fetcher: Sendable {
        let base: String
        let size: UInt64
        let timeout: Int64

        struct Chunk: Sendable {
            /// The index of the first entry, and the one past the last.
            let start: UInt64
            let end: UInt64
            /// Each entry's bytes, and whether the peer first recorded it (placed `-`).
            let entries: [(bytes: [UInt8], own: Bool)]
            /// The words the peer serves of the entries' free text (checked against their
            /// commitments when imported).
            let words: [WordsPart]
        }

        /// Entry tiles from `tile` on, until `events` entries or `chunkBytes` bytes are read or the
        /// log ends; the two requests of a tile are made together.
        func chunk(from tile: UInt64, events: Int) async throws -> Chunk {
            var entries: [(bytes: [UInt8], own: Bool)] = []
            var words: [WordsPart] = []
            var bytes = 0
            var n = tile
            while n * 256 < size, entries.count < events, bytes < Sync.chunkBytes {
                let width = Int(min(256, size - n * 256))
                let name = Sync.path(n, width)
                let (base, timeout) = (base, timeout)
                async let bundleAnswer = Sync.get(base + "/tile/entries/" + name, timeout: timeout)
                async let placedAnswer = Sync.get(base + "/amparo/placed/" + name, timeout: timeout)
                async let wordsAnswer = Sync.get(base + "/amparo/words/" + name, timeout: timeout)
                let bundle = try await bundleAnswer
                let placed = String(decoding: try await placedAnswer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                guard placed.count == width else { throw LedgerError(.corrupt, "\(base): placements of entries \(n) do not number \(width)") }
                var at = 0
                for i in 0..<width {
                    guard at + 2 <= bundle.count else { throw LedgerError(.corrupt, "\(base): entry bundle \(n) ends early") }
                    let length = Int(bundle[at]) << 8 | Int(bundle[at + 1])
                    guard at + 2 + length <= bundle.count else { throw LedgerError(.corrupt, "\(base): entry bundle \(n) ends early") }
                    entries.append((Array(bundle[at + 2..<at + 2 + length]), placed[placed.startIndex + i] == "-"))
                    at += 2 + length
                }
                guard at == bundle.count else { throw LedgerError(.corrupt, "\(base): entry bundle \(n) holds more than \(width) entries") }
                let served = try await wordsAnswer
                for line in served.split(separator: 0x0A) {
                    do {
                        words.append(try WordsPart(line: Array(line)))
                    } catch {
                        throw LedgerError(
                            .corrupt, "\(base): the words of entries \(n) are not words parts (\(error.message))")
                    }
                }
                bytes += bundle.count + served.count
                n += 1
            }
            return Chunk(start: tile * 256, end: min(n * 256, size), entries: entries, words: words)
        }
    }

    /// Imports one chunk of a peer's entries through a bundle this node writes for itself (the
    /// peer's checkpoint and whole tree, these events) with every check of a bundle import.
    static func importChunk(
        log: EventLog, peer: VerifierKey, base: String, noteText: String, events: [(bytes: [UInt8], index: UInt64)], words: [WordsPart],
        leaves: [UInt8], work: String, screen: ImportScreen
    ) throws -> Bundles.ImportResult {
        let file = work + "/sync-\(UUID().uuidString).bundle"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Bundles.writeSynced(
            to: file, log: log, origin: peer.name, originKey: peer, checkpoint: noteText, evidence: [], events: events, words: words, leaves: leaves)
        // What the import says names the peer, not the file this node wrote for itself.
        do {
            return try Bundles.importBundle(path: file, into: log, screen: screen, local: true)
        } catch let found as ForkFound {
            throw LedgerError(.fork, found.message.replacingOccurrences(of: file, with: base))
        } catch let error as LedgerError {
            throw LedgerError(error.code, error.message.replacingOccurrences(of: file, with: base))
        }
    }

    /// `N` or `N.p/W` in the tile spelling (`x001/234`).
    static func path(_ n: UInt64, _ width: Int) -> String {
        let name = Tiles.encode(n)
        return width == 256 ? name : "\(name).p/\(width)"
    }

    static func get(_ url: String, timeout: Int64) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await Clients.current.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: maximumAnswer)
        guard response.status.code == 200 else {
            throw LedgerError(
                .io, "\(url) answered \(response.status.code): \(String(buffer: body).prefix(160).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return Array(buffer: body)
    }
}
