import Foundation
import Ledger
import Zstd

extension Bundles {
    // MARK: Export

    /// What to export: events in [from, to] matching every given filter. The ledger's key events
    /// always travel too, so the receiver can check every signature.
    package struct Selection: Sendable {
        package var cases: [String] = []
        package var from: UInt64?
        package var to: UInt64?
        package var actor: String?
        package init(cases: [String] = [], from: UInt64? = nil, to: UInt64? = nil, actor: String? = nil) {
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
    package static func export(
        log: EventLog, key: SigningKey, keyFile: String, selection: Selection, out: String, replacing: Bool = false,
        level: Int32 = 3, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> BundleHeader {
        try FileIO.refuseExisting(out, replacing: replacing)
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
            try writeBundle(to: out, replacing: replacing, header: header, level: level, sign: { try SignedNote.sign(text: $0, with: [signer]) }, words: words)
            { emit in
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
                try log.snapshot {
                    for i in 0..<checkpoint.size {
                        guard let h = try log.storedSubtree(level: 0, index: i) else {
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
    package static func writeSynced(
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
        to path: String, replacing: Bool = true, header: BundleHeader, level: Int32, sign: (String) throws -> SignedNote,
        words: (_ emit: ([UInt8]) throws -> Void) throws -> Void = { _ in },
        _ body: (_ emit: ([UInt8]) throws -> Void) throws -> Void
    ) throws {
        try FileIO.create(path, replacing: replacing) { write in
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
}
