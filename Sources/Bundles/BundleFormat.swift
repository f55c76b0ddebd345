import Foundation
import Ledger
import Zstd

/// The bundle file: one zstd stream of UTF-8 lines.
///
/// ```
/// amparo-bundle/v2                      magic and version
/// {"checkpoint":…,"count":…,…}          header: RFC 8785 JSON, one line
/// {"actor":…,"signature":…,…}           the signed events, one per line, in the origin's log order
/// …
/// placed <base64 of ≤ 256 placements>   where each event was first recorded: its log and index
/// …
/// leaves 0 <base64 of ≤ 256 hashes>     the leaf hashes of each log: 0 the origin's, k the
/// …                                     relayed log `logs[k-1]`, from index 0 to its checkpoint's size
/// amparo-bundle/v2 signature            a C2SP signed note by the exporter whose text is this line,
/// <origin>                              the origin, the count, the base64 Merkle root of the events,
/// <count>                               and the base64 SHA-256 of every byte before the note:
/// <root>                                so the exporter's signature covers all of it.
/// <sha256>
///
/// — MX <base64 key id and signature>
/// ```
package enum BundleFormat {
    package static let magic = "amparo-bundle/v3"
    package static let noteMagic = "amparo-bundle/v3 signature"
    package static let version = 3
    /// The line after the note that begins the words of the events' free text (issue 23): one
    /// ``WordsPart`` a line, RFC 8785 JSON, unsigned (each is checked against the commitment its
    /// signed event holds), outside the content hash, so that a bundle without them still verifies.
    package static let wordsMagic = "amparo-bundle/v3 words"
    /// Hard bound on the words parts of a bundle: 64 for each event it carries.
    package static let maximumWordsPerEvent = 64
    /// The start of a line of placements: for each event of the bundle, in order, the log that
    /// first recorded it (2-byte big-endian K: 0 the origin's, k the relayed `logs[k-1]`) and its
    /// index there (8-byte big-endian), 10 bytes each.
    package static let placedPrefix = "placed "
    /// Placements on one `placed` line at most.
    package static let placedPerLine = 256
    /// The start of a line of leaf hashes.
    package static let leavesPrefix = "leaves "
    /// Leaf hashes on one `leaves` line at most (one C2SP tile).
    package static let leavesPerLine = 256
    /// Hard bound on the leaf hashes of all the logs one bundle carries: 2^24 (16,777,216 leaves,
    /// 512 MiB held while they are checked), far past any federation's size for decades.
    package static let maximumLeaves: UInt64 = 1 << 24
    /// Hard bound on the decompressed size of a bundle (4 GiB).
    package static let maximumSize = 4 << 30
    /// Hard bound on one line (an event, the header): 16 MiB.
    package static let maximumLine = 16 << 20
    /// Hard bound on the lines of the closing note (4 text lines, a blank line, signatures).
    package static let maximumNoteLines = 64
}

/// A bundle's header.
package struct BundleHeader: Sendable, Equatable {
    package var origin: String
    /// The origin node's verifier key (it signs `checkpoint`).
    package var originKey: String
    package var exporter: String
    package var selection: [String: JSONValue]
    package var count: Int
    package var root: Hash32
    /// The origin's signed checkpoint when the bundle was made.
    package var checkpoint: String
    /// Consistency proofs from each size the origin exported before, to `checkpoint`.
    package var consistency: [(from: UInt64, root: Hash32, proof: [Hash32])]
    /// The other origins' logs whose leaves the bundle carries (the exporter's mirrors), so that
    /// every relayed event is placed in the log of the node that first recorded it.
    package var logs: [RelayedLog] = []
    /// Fork evidence the exporter holds: it travels with every bundle.
    package var evidence: [ForkEvidence] = []

    /// A relayed log: its origin, node key and the signed checkpoint whose tree the leaves make.
    package struct RelayedLog: Sendable, Equatable {
        package let origin: String
        package let originKey: String
        package let checkpoint: String
        package init(origin: String, originKey: String, checkpoint: String) {
            self.origin = origin
            self.originKey = originKey
            self.checkpoint = checkpoint
        }
        var json: JSONValue { .object(["origin": .string(origin), "origin_key": .string(originKey), "checkpoint": .string(checkpoint)]) }
    }

    package static func == (a: BundleHeader, b: BundleHeader) -> Bool { CanonicalJSON.encode(a.json) == CanonicalJSON.encode(b.json) }

    package var json: JSONValue {
        .object([
            "format": .number(Double(BundleFormat.version)), "origin": .string(origin), "origin_key": .string(originKey),
            "exporter": .string(exporter), "selection": .object(selection), "count": .number(Double(count)),
            "root": .string(root.base64), "checkpoint": .string(checkpoint),
            "consistency": .array(
                consistency.map { c in
                    .object(["from": .number(Double(c.from)), "root": .string(c.root.base64), "proof": .array(c.proof.map { .string($0.base64) })])
                }),
            "logs": .array(logs.map(\.json)), "evidence": .array(evidence.map(\.json)),
        ])
    }

    package init(
        origin: String, originKey: String, exporter: String, selection: [String: JSONValue], count: Int, root: Hash32,
        checkpoint: String, consistency: [(from: UInt64, root: Hash32, proof: [Hash32])]
    ) {
        self.origin = origin
        self.originKey = originKey
        self.exporter = exporter
        self.selection = selection
        self.count = count
        self.root = root
        self.checkpoint = checkpoint
        self.consistency = consistency
    }

    package init(json v: JSONValue) throws(LedgerError) {
        guard case .object(let o) = v else { throw LedgerError(.corrupt, "the bundle header is not a JSON object") }
        let known: Set<String> = [
            "format", "origin", "origin_key", "exporter", "selection", "count", "root", "checkpoint", "consistency", "logs", "evidence",
        ]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
            throw LedgerError(.corrupt, "the bundle header has an unknown field \"\(unknown)\"")
        }
        guard o["format"]?.integerValue == Int64(BundleFormat.version) else {
            throw LedgerError(
                .corrupt, "bundle format \(o["format"].map { CanonicalJSON.string($0) } ?? "missing"); this amparo reads format \(BundleFormat.version)")
        }
        guard let origin = o["origin"]?.stringValue, let originKey = o["origin_key"]?.stringValue, let exporter = o["exporter"]?.stringValue,
            let selection = o["selection"]?.objectValue, let count = o["count"]?.integerValue, count >= 0,
            let rootText = o["root"]?.stringValue, let root = [UInt8](base64: rootText), root.count == 32,
            let checkpoint = o["checkpoint"]?.stringValue, let consistency = o["consistency"]?.arrayValue,
            let logs = o["logs"]?.arrayValue, let evidence = o["evidence"]?.arrayValue
        else { throw LedgerError(.corrupt, "the bundle header is missing a field or has one of the wrong kind") }
        var relayed: [RelayedLog] = []
        for l in logs {
            guard let origin = l["origin"]?.stringValue, let key = l["origin_key"]?.stringValue, let note = l["checkpoint"]?.stringValue,
                l.objectValue?.count == 3
            else { throw LedgerError(.corrupt, "a relayed log in the bundle header is malformed") }
            relayed.append(RelayedLog(origin: origin, originKey: key, checkpoint: note))
        }
        let carried = try evidence.map { v throws(LedgerError) in try ForkEvidence(json: v) }
        var proofs: [(UInt64, Hash32, [Hash32])] = []
        for c in consistency {
            guard let from = c["from"]?.integerValue, from >= 0, let r = c["root"]?.stringValue.flatMap({ [UInt8](base64: $0) }), r.count == 32,
                let p = c["proof"]?.arrayValue?.map({ $0.stringValue.flatMap { [UInt8](base64: $0) } ?? [] }), p.allSatisfy({ $0.count == 32 })
            else { throw LedgerError(.corrupt, "a consistency proof in the bundle header is malformed") }
            proofs.append((UInt64(from), r, p))
        }
        self.init(
            origin: origin, originKey: originKey, exporter: exporter, selection: selection, count: Int(count), root: root,
            checkpoint: checkpoint, consistency: proofs)
        self.logs = relayed
        self.evidence = carried
    }
}

/// Reads a bundle file line by line through the bounded decompressor, without ever holding more
/// than one line and one decompressed chunk.
struct LineReader {
    /// Where compressed bytes come from: a file, or memory (fuzzing, tests).
    let source: () throws -> [UInt8]
    let decompressor: ZstdDecompressor
    let path: String
    var pending: [UInt8] = []
    var lines: [[UInt8]] = []
    var lineIndex = 0
    var finished = false
    /// The compressed chunk being decoded, and how far.
    var input: [UInt8] = []
    var position = 0
    var needsInput = true
    /// Number of the last line returned (from 1).
    var number = 0

    init(path: String, bound: Int = BundleFormat.maximumSize) throws {
        let file = try FileIO.Reader(path: path)
        source = { try file.read(upTo: 1 << 20) }
        self.path = path
        decompressor = try ZstdDecompressor(bound: bound)
    }

    init(bytes: [UInt8], name: String, bound: Int) throws {
        var offset = 0
        source = {
            let end = min(bytes.count, offset + (1 << 20))
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
        path = name
        decompressor = try ZstdDecompressor(bound: bound)
    }

    /// The next line (without its newline), or nil at the end. The final text after the last
    /// newline is returned as a line too.
    mutating func next() throws -> [UInt8]? {
        while lineIndex >= lines.count {
            if finished { return nil }
            lines.removeAll(keepingCapacity: true)
            lineIndex = 0
            if needsInput {
                let chunk = try source()
                if chunk.isEmpty {
                    do {
                        try decompressor.finish()
                    } catch {
                        throw LedgerError(.corrupt, "\(path) is truncated: the zstd stream ends in the middle of a frame")
                    }
                    finished = true
                    if !pending.isEmpty {
                        lines.append(pending)
                        pending = []
                    }
                    continue
                }
                input = chunk
                position = 0
            }
            // One step decodes at most 128 KiB: however far the input expands, only that much
            // (and one line) is held at a time.
            let out: [UInt8]
            do {
                (out, needsInput) = try decompressor.step(input, at: &position)
            } catch let error as ZstdError where error.code == .boundExceeded {
                throw LedgerError(.corrupt, "\(path) decompresses past \(decompressor.bound) bytes, the bound for a bundle: refused (a decompression bomb?)")
            } catch let error as ZstdError {
                throw LedgerError(.corrupt, "\(path) is not an amparo bundle: not a valid zstd stream (\(error.message))")
            }
            var start = 0
            for (i, b) in out.enumerated() where b == 0x0A {
                pending.append(contentsOf: out[start..<i])
                lines.append(pending)
                pending = []
                start = i + 1
            }
            pending.append(contentsOf: out[start...])
            if pending.count > BundleFormat.maximumLine {
                throw LedgerError(
                    .corrupt, "\(path): line \(number + lines.count + 1) is longer than \(BundleFormat.maximumLine) bytes, the bound for one line; refused")
            }
        }
        number += 1
        lineIndex += 1
        return lines[lineIndex - 1]
    }
}
