import Foundation
import Ledger
import Zstd

extension Bundles {
    // MARK: Reading

    /// Reads and checks the structure: magic, header, canonical signed events (no duplicates), the
    /// closing note. Stops at the first problem with a message naming the line.
    /// `progress` hears (events read, events the header announces).
    package static func parse(
        path: String, bound: Int = BundleFormat.maximumSize, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> ParsedBundle {
        try parse(reader: try LineReader(path: path, bound: bound), path: path, progress: progress)
    }

    /// Events decoded on every core this many lines at a time.
    package static let batchLines = 4096

    /// Same, over a bundle's compressed bytes in memory (fuzzing, tests).
    package static func parse(bytes: [UInt8], bound: Int = BundleFormat.maximumSize) throws -> ParsedBundle {
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
}
