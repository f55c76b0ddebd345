import Foundation
import Ledger
import Zstd

/// A bundle read from a file, structurally sound (not yet checked against any key registry).
public struct ParsedBundle: Sendable {
    public let header: BundleHeader
    /// The events, in bundle order; empty when the bundle was only scanned (a streaming import
    /// reads them again in batches).
    public let events: [SignedEvent]
    /// How many events the bundle holds, and their bytes.
    public let count: Int
    public let eventBytes: Int
    /// Its key events with their index in the bundle (the registry is built from them first).
    public let keyEvents: [(index: Int, event: SignedEvent)]
    public let note: SignedNote
    /// What the bundle's content really is: Merkle root of its events and SHA-256 of every byte before the note.
    public let computedRoot: Hash32
    public let contentHash: Hash32
    /// The leaf hashes of each log the bundle carries (32 bytes each, from index 0): 0 is the
    /// origin's, k the relayed log `header.logs[k-1]`.
    public let leaves: [[UInt8]]
    /// Where each event was first recorded (``PlacementLines``).
    let placements: PlacementLines
    /// The words of the events' free text the bundle carries after its note (only when the events
    /// are kept), and how many parts there are.
    public var words: [WordsPart] = []
    public var wordsCount = 0

    /// The log (0 the origin's, k `header.logs[k-1]`) and index where event `i` (in bundle order)
    /// was first recorded.
    public func placement(_ i: Int) -> (log: Int, index: UInt64) { placements.placement(i) }

    /// The leaf hash at `index` of log `k`, if the bundle carries it.
    public func leaf(_ k: Int, _ index: UInt64) -> Hash32? {
        guard k < leaves.count, index < UInt64(leaves[k].count / 32) else { return nil }
        let at = Int(index) * 32
        return Array(leaves[k][at..<at + 32])
    }
}

/// A bundle that passed every check.
public struct VerifiedBundle: Sendable {
    public let parsed: ParsedBundle
    public let checkpoint: Checkpoint
    public let exporterKey: VerifierKey
    /// What was proven about the origin's log: "first bundle from this origin", "grew from 120 to 200 events", …
    public let growth: String
    /// The receiver's registry extended by the bundle's key events: what every event is checked against.
    public let registry: KeyRegistry
    /// What each log the bundle carries (0 the origin's, k the relayed `logs[k-1]`) is to what this
    /// ledger holds of it.
    public let placements: [Placement]
    /// The witnesses of the trust policy that cosigned the origin's checkpoint (empty without a policy).
    public var cosigners: [String] = []
    public var header: BundleHeader { parsed.header }
    public var events: [SignedEvent] { parsed.events }
    /// The forks found: one origin's log in the bundle that does not agree with what is held of it.
    public var forks: [(origin: String, evidence: ForkEvidence, held: String, withheld: UInt64, why: String)] {
        placements.compactMap { p in
            if case .fork(let evidence, let held, let branch, let why) = p.verdict { return (p.origin, evidence, held, p.checkpoint.size - branch, why) }
            return nil
        }
    }
    /// Whether event `i` of the bundle (in bundle order, with leaf hash `leaf`) is admitted: it
    /// must be the leaf its placement names (else the bundle is refused), and it is not admitted
    /// when that log is a fork's and the index lies on its other branch.
    public func admits(_ i: Int, leaf: Hash32, path: String) throws -> Bool {
        guard i < parsed.placements.count else { throw LedgerError(.corrupt, "\(path): event \(i + 1) has no placement; refused") }
        let (k, index) = parsed.placement(i)
        guard parsed.leaf(k, index) == leaf else {
            throw LedgerError(
                .corrupt,
                "\(path) line \(i + 3): the event is not the leaf \(index) of the log its placement names (\(placements[k].origin)); refused, nothing was written"
            )
        }
        if case .fork(_, _, let branch, _) = placements[k].verdict { return index < branch }
        return true
    }
}

/// Export, verification and import of signed event bundles between ledgers.
public enum Bundles {
    // MARK: Reading

    /// Reads and checks the structure: magic, header, canonical signed events (no duplicates), the
    /// closing note. Stops at the first problem with a message naming the line.
    /// `progress` hears (events read, events the header announces).
    public static func parse(
        path: String, bound: Int = BundleFormat.maximumSize, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> ParsedBundle {
        try parse(reader: try LineReader(path: path, bound: bound), path: path, progress: progress)
    }

    /// Events decoded on every core this many lines at a time.
    public static let batchLines = 4096

    /// Same, over a bundle's compressed bytes in memory (fuzzing, tests).
    public static func parse(bytes: [UInt8], bound: Int = BundleFormat.maximumSize) throws -> ParsedBundle {
        try parse(reader: try LineReader(bytes: bytes, name: "bundle", bound: bound), path: "bundle")
    }

    /// With `keep` false the events are checked and counted but not held (the first pass of a
    /// streaming import): memory is one batch of lines, the key events, and 24 bytes per event
    /// for the duplicate check.
    static func parse(
        reader initial: LineReader, path: String, keep: Bool = true, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> ParsedBundle {
        var reader = initial
        var hasher = ContentHasher()
        let header = try readHead(&reader, &hasher, path: path)
        var events: [SignedEvent] = []
        var keyEvents: [(index: Int, event: SignedEvent)] = []
        var count = 0
        var eventBytes = 0
        var lineOf: [EventID: Int] = [:]
        var edge = CompactRange()
        var noteLines: [[UInt8]] = []
        var batch: [(line: [UInt8], number: Int)] = []
        var leaves = LeafSections(header: header, path: path)
        try leaves.prepare()
        var placed = PlacementLines()
        var words: [WordsPart] = []
        var wordsCount = 0
        func flush() throws {
            let decoded = concurrentMap(batch.count) { i -> Result<SignedEvent, LedgerError> in
                do { return .success(try SignedEvent(bytes: batch[i].line)) } catch {
                    return .failure(error as? LedgerError ?? LedgerError(.corrupt, "\(error)"))
                }
            }
            for ((line, number), result) in zip(batch, decoded) {
                let event: SignedEvent
                switch result {
                case .success(let e): event = e
                case .failure(let error):
                    throw LedgerError(.corrupt, "\(path) line \(number): not a canonical signed event (\(error.message))")
                }
                if let first = lineOf[event.id] {
                    throw LedgerError(.corrupt, "\(path) line \(number): event \(event.id) appears twice (lines \(first) and \(number))")
                }
                lineOf[event.id] = number
                hasher.line(line)
                edge.append(event.leafHash)
                if KeyRegistry.isKeyEvent(event.envelope.type) { keyEvents.append((count, event)) }
                if keep { events.append(event) }
                count += 1
                eventBytes += line.count
                progress?(UInt64(count), UInt64(max(header.count, count)))
            }
            batch.removeAll(keepingCapacity: true)
        }
        while let line = try reader.next() {
            if line == Array(BundleFormat.noteMagic.utf8) {
                noteLines.append(line)
                // The note: its text (4 lines), one blank line, its signature lines; then,
                // unsigned, the words of the events' free text.
                while let rest = try reader.next() {
                    if rest == Array(BundleFormat.wordsMagic.utf8) {
                        let known = { (id: EventID) in lineOf[id] != nil }
                        try readWords(&reader, path: path, events: count, known: known) { part in
                            wordsCount += 1
                            if keep { words.append(part) }
                        }
                        break
                    }
                    noteLines.append(rest)
                    guard noteLines.count <= BundleFormat.maximumNoteLines else {
                        try flush()
                        throw LedgerError(
                            .corrupt, "\(path): the exporter's signed note is longer than \(BundleFormat.maximumNoteLines) lines, the bound for it; refused")
                    }
                }
                break
            }
            if line.isEmpty {
                // No empty line is part of a bundle before its note: refusing the first one keeps
                // a stream of newlines (which compresses to almost nothing) from costing anything.
                try flush()
                throw LedgerError(.corrupt, "\(path) line \(reader.number) is empty: a bundle holds one event per line and no empty lines; refused")
            }
            if line.starts(with: PlacementLines.prefix) {
                try flush()
                guard !leaves.started else {
                    throw LedgerError(.corrupt, "\(path) line \(reader.number): placements after the leaf hashes; the placements come first; refused")
                }
                hasher.line(line)
                try placed.add(line, number: reader.number, events: count, logs: 1 + header.logs.count, path: path)
                continue
            }
            if line.starts(with: LeafSections.prefix) {
                try flush()
                hasher.line(line)
                try leaves.add(line, number: reader.number)
                continue
            }
            if leaves.started || placed.count > 0 {
                throw LedgerError(
                    .corrupt, "\(path) line \(reader.number): an event after the placements or leaf hashes; the events come first; refused")
            }
            batch.append((line, reader.number))
            if batch.count >= batchLines { try flush() }
        }
        try flush()
        try leaves.finish()
        guard placed.count == count else {
            throw LedgerError(.corrupt, "\(path): the bundle places \(placed.count) of its \(count) events (one placement each); refused")
        }
        guard !noteLines.isEmpty else { throw LedgerError(.corrupt, "\(path) is truncated: the exporter's signature is missing") }
        let noteText = noteLines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        let note: SignedNote
        do {
            note = try SignedNote(parsing: noteText.hasSuffix("\n") ? noteText : noteText + "\n")
        } catch {
            throw LedgerError(.corrupt, "\(path): the exporter's signature is malformed (\(error.message))")
        }
        var parsed = ParsedBundle(
            header: header, events: events, count: count, eventBytes: eventBytes, keyEvents: keyEvents, note: note, computedRoot: edge.root,
            contentHash: hasher.finish(), leaves: leaves.leaves, placements: placed)
        parsed.words = words
        parsed.wordsCount = wordsCount
        if keep {
            // Each part against the commitment its event holds (an import checks them again as it stores them).
            let byID = Dictionary(events.map { ($0.id, $0) }) { a, _ in a }
            for part in words {
                guard case .string(part.commitment)? = byID[part.event].flatMap({ Words.value(at: part.field, in: $0.envelope.payload) }) else {
                    throw LedgerError(
                        .corrupt,
                        "\(path): the words of event \(part.event), field \"\(part.field)\", do not match the commitment the signed event holds (changed in transit); refused"
                    )
                }
            }
        }
        return parsed
    }

    /// Reads the words section (after its magic line) to the end of the bundle: each line one
    /// words part, of an event the bundle carries (`known`), at most
    /// ``BundleFormat/maximumWordsPerEvent`` for each of its `events`.
    static func readWords(
        _ reader: inout LineReader, path: String, events: Int, known: (EventID) -> Bool, _ body: (WordsPart) throws -> Void
    ) throws {
        var n = 0
        while let line = try reader.next() {
            n += 1
            guard n <= BundleFormat.maximumWordsPerEvent * max(1, events) else {
                throw LedgerError(
                    .corrupt, "\(path): more words parts than \(BundleFormat.maximumWordsPerEvent) for each of its \(events) events, the bound; refused")
            }
            let part: WordsPart
            do {
                part = try WordsPart(line: line)
            } catch {
                throw LedgerError(.corrupt, "\(path) line \(reader.number): not a words part (\(error.message)); refused")
            }
            guard known(part.event) else {
                throw LedgerError(.corrupt, "\(path) line \(reader.number): words of event \(part.event), which the bundle does not carry; refused")
            }
            try body(part)
        }
    }

    /// The magic line and the header, hashed into `hasher`.
    static func readHead(_ reader: inout LineReader, _ hasher: inout ContentHasher, path: String) throws -> BundleHeader {
        guard let magic = try reader.next() else { throw LedgerError(.corrupt, "\(path) is empty: not a bundle") }
        if magic == Array("amparo-bundle/v1".utf8) {
            throw LedgerError(
                .corrupt,
                "\(path) is a bundle of format 1 (an earlier amparo, without the leaves of its logs); this amparo reads format \(BundleFormat.version): ask its sender to export it again"
            )
        }
        if magic == Array("amparo-bundle/v2".utf8) {
            throw LedgerError(
                .corrupt,
                "\(path) is a bundle of format 2 (an earlier amparo, whose events hold their free text in the clear); this amparo reads format \(BundleFormat.version), whose events hold commitments: ask its sender to export it again with this version"
            )
        }
        guard magic == Array(BundleFormat.magic.utf8) else {
            let shown = String(decoding: magic.prefix(40), as: UTF8.self)
            throw LedgerError(
                .corrupt, "\(path) is not an amparo bundle of format \(BundleFormat.version) (first line \"\(shown)\", expected \"\(BundleFormat.magic)\")")
        }
        hasher.line(magic)
        guard let headerLine = try reader.next() else { throw LedgerError(.corrupt, "\(path) is truncated: no header") }
        if headerLine.isEmpty { throw LedgerError(.corrupt, "\(path) line 2 is empty: the header is missing; refused") }
        hasher.line(headerLine)
        do {
            return try BundleHeader(json: try JSONParser.parse(headerLine))
        } catch let error as LedgerError {
            throw LedgerError(.corrupt, "\(path) line 2: \(error.message)")
        } catch {
            throw LedgerError(.corrupt, "\(path) line 2: the header is not JSON: \(error)")
        }
    }

    /// Every check: count and root against the header and the signed note, the exporter's
    /// signature, every event's signature (against `registry` extended by the bundle's own key
    /// events, which chain to its trust anchor), the origin's checkpoint and each relayed log's,
    /// the leaves of each log against its checkpoint, the fork evidence it carries, and — with
    /// `held`, what this ledger holds of each origin — whether each log agrees with it.
    ///
    /// A log that does not extend (or, smaller, is not a prefix of) the tree held of its origin is
    /// a fork: its ``Placement/Verdict/fork(_:held:branch:why:)`` carries the evidence, and the
    /// events of its other branch are not admitted (``VerifiedBundle/withheld``).
    public static func verify(
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

    // MARK: Export

    /// What to export: events in [from, to] matching every given filter. The ledger's key events
    /// always travel too, so the receiver can check every signature.
    public struct Selection: Sendable {
        public var cases: [String] = []
        public var from: UInt64?
        public var to: UInt64?
        public var actor: String?
        public init(cases: [String] = [], from: UInt64? = nil, to: UInt64? = nil, actor: String? = nil) {
            self.cases = cases
            self.from = from
            self.to = to
            self.actor = actor
        }

        func includes(_ seq: UInt64, _ e: SignedEvent) -> Bool {
            if KeyRegistry.isKeyEvent(e.envelope.type) { return true }
            if let from, seq < from { return false }
            if let to, seq > to { return false }
            if !cases.isEmpty && !(e.envelope.caseID.map(cases.contains) ?? false) { return false }
            if let actor, e.envelope.actor != actor { return false }
            return true
        }

        var json: [String: JSONValue] {
            [
                "cases": .array(cases.map(JSONValue.string)), "from": from.map { .number(Double($0)) } ?? .null,
                "to": to.map { .number(Double($0)) } ?? .null, "actor": actor.map(JSONValue.string) ?? .null,
            ]
        }
    }

    /// Writes a bundle of `log`'s selected events to `out` (which must not exist), signed by
    /// `key` (whose registered actor is the exporter). Two streaming passes over the log: memory
    /// stays bounded whatever the bundle's size.
    @discardableResult
    public static func export(
        log: EventLog, key: SigningKey, keyFile: String, selection: Selection, out: String,
        level: Int32 = 3, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> BundleHeader {
        guard !FileManager.default.fileExists(atPath: out) else {
            throw LedgerError(.fileExists, "\(out) already exists; choose another --out or remove it first")
        }
        guard let binding = try log.keyRegistry(verifySignatures: false).binding(forPublicKey: key.verifierKey.publicKey) else {
            throw LedgerError(.unregisteredKey, "the key in \(keyFile) is not registered in this ledger")
        }
        let signer = try key.renamed(binding.actor)
        let checkpointNote = try log.checkpoint()
        let checkpoint = try Checkpoint(text: checkpointNote.text)
        // Pass 1: count and root.
        var count = 0
        var edge = CompactRange()
        try log.forEachRaw(to: checkpoint.size) { raw in
            let e = try SignedEvent(bytes: raw.bytes, checkCanonical: false)
            if selection.includes(raw.seq, e) {
                count += 1
                edge.append(Merkle.leafHash(raw.bytes))
            }
            return true
        }
        let store = try ExportRecord(log: log)
        var consistency: [(UInt64, Hash32, [Hash32])] = []
        for size in try store.exportedSizes() where size > 0 && size < checkpoint.size {
            consistency.append((size, try log.rootHash(size: size).root, try log.consistencyProof(from: size, to: checkpoint.size)))
        }
        var header = BundleHeader(
            origin: log.name, originKey: log.nodeKey.description, exporter: binding.actor, selection: selection.json,
            count: count, root: edge.root, checkpoint: try FederationStore(log: log).cosigned(checkpointNote), consistency: consistency)
        // The logs this ledger mirrors travel with their leaves, and every fork evidence it holds.
        let peers = PeerStore(log: log)
        let relayed = try peers.origins().filter { $0.origin != log.name && $0.record.mirrored == $0.record.checkpoint.size && $0.record.mirrored > 0 }
        header.logs = relayed.map { .init(origin: $0.origin, originKey: $0.record.nodeKey.description, checkpoint: $0.record.checkpointNote) }
        header.evidence = try peers.forks().map(\.evidence)
        // Pass 2: write through the compressor into a temporary file, then move it into place
        // (a failure, a full disk, leaves no file behind). One snapshot for every read.
        let relayedIndex = Dictionary(relayed.enumerated().map { ($0.element.origin, (k: $0.offset + 1, size: $0.element.record.checkpoint.size)) }) { a, _ in a
        }
        // The words this node holds of the exported events' free text, after the note.
        // (Inside the export's snapshot: the same state as the events.)
        let words: (([UInt8]) throws -> Void) throws -> Void = { emit in
            var batch: [SignedEvent] = []
            func flush() throws {
                for part in try log.wordsParts(of: batch) { try emit(part.line) }
                batch.removeAll(keepingCapacity: true)
            }
            try log.forEachRaw(to: checkpoint.size) { raw in
                let e = try SignedEvent(bytes: raw.bytes, checkCanonical: false)
                if selection.includes(raw.seq, e) { batch.append(e) }
                if batch.count == batchLines { try flush() }
                return true
            }
            try flush()
        }
        try log.snapshot {
            try writeBundle(to: out, header: header, level: level, sign: { try SignedNote.sign(text: $0, with: [signer]) }, words: words) { emit in
                // Where each event was first recorded: this node's own events in its own log (0), an
                // event received from another node in that origin's mirrored log.
                var placed: [UInt8] = []
                try log.forEachRaw(to: checkpoint.size) { raw in
                    let e = try SignedEvent(bytes: raw.bytes, checkCanonical: false)
                    if selection.includes(raw.seq, e) {
                        try emit(raw.bytes)
                        if let (origin, index) = try peers.placement(of: e.id), let r = relayedIndex[origin], index < r.size {
                            placed += PlacementLines.encode(log: r.k, index: index)
                        } else {
                            placed += PlacementLines.encode(log: 0, index: raw.seq - 1)
                        }
                    }
                    progress?(raw.seq, checkpoint.size)
                    return true
                }
                try emitLines(BundleFormat.placedPrefix, placed, every: 10 * BundleFormat.placedPerLine, emit)
                // The leaf hashes of each log, 256 to a line: this ledger's own, then each mirror.
                var own: [UInt8] = []
                try log.read { snapshot in
                    for i in 0..<checkpoint.size {
                        guard let h = try log.storedSubtree(in: snapshot, level: 0, index: i) else {
                            throw LedgerError(.corrupt, "\(log.path): leaf \(i) of this ledger's tree is missing; run `amparo verify`")
                        }
                        own += h
                        if own.count == 32 * BundleFormat.leavesPerLine {
                            try emitLines(BundleFormat.leavesPrefix + "0 ", own, every: own.count, emit)
                            own.removeAll(keepingCapacity: true)
                        }
                    }
                }
                try emitLines(BundleFormat.leavesPrefix + "0 ", own, every: 32 * BundleFormat.leavesPerLine, emit)
                for (k, r) in relayed.enumerated() {
                    var line: [UInt8] = []
                    try peers.forEachMirroredLeaf(r.origin, count: r.record.checkpoint.size) { _, h in
                        line += h
                        if line.count == 32 * BundleFormat.leavesPerLine {
                            try emitLines(BundleFormat.leavesPrefix + "\(k + 1) ", line, every: line.count, emit)
                            line.removeAll(keepingCapacity: true)
                        }
                    }
                    try emitLines(BundleFormat.leavesPrefix + "\(k + 1) ", line, every: 32 * BundleFormat.leavesPerLine, emit)
                }
            }
        }
        try store.recordExport(checkpoint.size)
        return header
    }

    /// Writes the bundle this node makes for itself from a peer's served log (`amparo sync`):
    /// `events` (canonical bytes) with their indexes in the peer's log, the peer's whole tree
    /// (`leaves`, 32 bytes each), its signed checkpoint and the evidence it serves; signed by this
    /// node's key as exporter. Importing it runs every check of a bundle import.
    public static func writeSynced(
        to path: String, log: EventLog, origin: String, originKey: VerifierKey, checkpoint: String, evidence: [ForkEvidence],
        events: [(bytes: [UInt8], index: UInt64)], words: [WordsPart] = [], leaves: [UInt8]
    ) throws {
        var edge = CompactRange()
        for e in events { _ = edge.append(Merkle.leafHash(e.bytes)) }
        var header = BundleHeader(
            origin: origin, originKey: originKey.description, exporter: log.name, selection: ["synced": .bool(true)], count: events.count,
            root: edge.root, checkpoint: checkpoint, consistency: [])
        header.evidence = evidence
        let parts: (([UInt8]) throws -> Void) throws -> Void = { emit in for part in words { try emit(part.line) } }
        try writeBundle(to: path, header: header, level: 1, sign: log.signedByNode, words: parts) { emit in
            for e in events { try emit(e.bytes) }
            try emitLines(
                BundleFormat.placedPrefix, events.flatMap { PlacementLines.encode(log: 0, index: $0.index) }, every: 10 * BundleFormat.placedPerLine,
                emit)
            try emitLines(BundleFormat.leavesPrefix + "0 ", leaves, every: 32 * BundleFormat.leavesPerLine, emit)
        }
    }

    /// The one way a bundle file is written: magic and header, the lines `body` emits (events,
    /// placements, leaves), then the exporter's note over the content hash, through the
    /// streaming compressor into a temporary file moved into place (a failure leaves no file).
    ///
    /// `words` emits the words parts after the note (unsigned, outside the content hash).
    static func writeBundle(
        to path: String, header: BundleHeader, level: Int32, sign: (String) throws -> SignedNote,
        words: (_ emit: ([UInt8]) throws -> Void) throws -> Void = { _ in },
        _ body: (_ emit: ([UInt8]) throws -> Void) throws -> Void
    ) throws {
        try FileIO.create(path) { write in
            try withoutActuallyEscaping(write) { write in
                let sink = LineSink(compressor: try ZstdCompressor(level: level), write: write)
                try sink.emit(Array(BundleFormat.magic.utf8))
                try sink.emit(CanonicalJSON.encode(header.json))
                try body(sink.emit)
                let text = "\(BundleFormat.noteMagic)\n\(header.origin)\n\(header.count)\n\(header.root.base64)\n\(sink.hasher.finish().base64)\n"
                try sink.unhashed(Array(try sign(text).serialized.utf8))
                var first = true
                try words { line in
                    if first { try sink.unhashed(Array((BundleFormat.wordsMagic + "\n").utf8)) }
                    first = false
                    try sink.unhashed(line + [0x0A])
                }
                try sink.finish()
            }
        }
    }

    /// Lines through the compressor, a megabyte at a time, each hashed into the content hash.
    final class LineSink {
        let compressor: ZstdCompressor
        let write: ([UInt8]) throws -> Void
        var hasher = ContentHasher()
        var buffer: [UInt8] = []

        init(compressor: ZstdCompressor, write: @escaping ([UInt8]) throws -> Void) {
            self.compressor = compressor
            self.write = write
        }

        func emit(_ line: [UInt8]) throws {
            hasher.line(line)
            buffer += line
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try compressor.write(buffer, to: write)
                buffer.removeAll(keepingCapacity: true)
            }
        }

        /// Bytes after the content hash: the note (it signs the hash), the words.
        func unhashed(_ bytes: [UInt8]) throws {
            buffer += bytes
            if buffer.count >= 1 << 20 {
                try compressor.write(buffer, to: write)
                buffer.removeAll(keepingCapacity: true)
            }
        }

        /// The end of the stream.
        func finish() throws {
            try compressor.write(buffer, to: write)
            try compressor.finish(to: write)
        }
    }

    /// `bytes` as lines `prefix BASE64`, `every` bytes to a line (nothing for no bytes).
    static func emitLines(_ prefix: String, _ bytes: [UInt8], every: Int, _ emit: ([UInt8]) throws -> Void) throws {
        var at = 0
        while at < bytes.count {
            let end = min(bytes.count, at + every)
            try emit(Array("\(prefix)\(Array(bytes[at..<end]).base64)".utf8))
            at = end
        }
    }

    // MARK: Import

    /// The one line of a FORK: which origins, why, and what was (not) admitted.
    public static func forkMessage(path: String, forks: [(origin: String, why: String)], added: Int?, withheld: Int) -> String {
        let what = forks.map { "\($0.origin) presents a log that does not agree with the one held of it (\($0.why))" }.joined(separator: "; ")
        let done =
            added.map { $0 == 0 ? "nothing was imported" : "\($0) other event\($0 == 1 ? "" : "s") of agreeing logs were imported" }
            ?? "nothing was written"
        return
            "FORK: \(path): \(what); \(withheld) event\(withheld == 1 ? "" : "s") of the other branch not admitted, \(done); the signed checkpoints are kept as evidence (`amparo peers`, `amparo evidence export`)"
    }

    /// What an import did.
    public struct ImportResult: Sendable {
        public let added: Int
        public let skipped: Int
        public let growth: String
        public let checkpoint: SignedNote
        /// Events of a forked log's other branch, not admitted.
        public let withheld: Int
        /// The forks found (their evidence is stored), by origin, with why.
        public let forks: [(origin: String, why: String)]
        /// Fork evidence the bundle carried that this ledger did not hold yet (stored).
        public let evidenceAdded: Int
        /// The policy's witnesses that cosigned the origin's checkpoint (empty without a policy).
        public var cosigners: [String] = []
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
    public static func importBundle(
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

/// What an import's screen sees: each admitted event, then the words of each free-text value
/// with the event it belongs to. An error it throws refuses the import whole.
public enum ScreenedItem {
    case event(SignedEvent)
    case words(WordsPart, of: Envelope)
}

/// The personal-data screen of an import (``Bundles/importBundle(path:into:bound:screen:progress:local:)``).
public typealias ImportScreen = (ScreenedItem) throws -> Void

/// An import that found a fork: what it did (the agreeing logs' events are imported, the other
/// branch is not), and the one line that says so. `code` is ``LedgerError/Code/fork``.
public struct ForkFound: Error, Sendable {
    public let result: Bundles.ImportResult
    public let message: String
    public var error: LedgerError { LedgerError(.fork, message) }
}

/// SHA-256 of the lines before the note, each with its newline.
struct ContentHasher {
    private var context = SHA256Context()
    mutating func line(_ line: [UInt8]) {
        context.update(line)
        context.update([0x0A])
    }
    mutating func finish() -> Hash32 { context.finish() }
}
