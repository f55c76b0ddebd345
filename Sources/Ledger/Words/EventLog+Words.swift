import Foundation
import LMDB

#if canImport(Glibc)
    import Glibc
#endif

/// The words file beside the log: `<ledger>/words.dat`, append-only records of salt (32 bytes) ‖
/// UTF-8 words, found through the `words` database (commitment → offset, length). It is kept out
/// of LMDB on purpose: LMDB leaves stale copies in free pages; a record overwritten in place leaves
/// none in the ledger directory (what a journaling filesystem or an SSD keeps underneath, and
/// backups, are docs/privacy.md's limits).
///
/// Writes happen inside the ledger's write transaction: the records are written past the end the
/// last commit recorded (`words-end` in `meta`) and synced before the transaction commits the
/// index; a writer killed before its commit leaves bytes past that end, which the next write
/// overwrites with zeros and cuts off. Erasure overwrites a record with zeros, syncs the file and
/// deletes its index entry, inside the transaction that appends the erasure event (a commit that
/// fails afterwards leaves the words erased and the erasure to record again). A reader checks every
/// record against its commitment: one being erased reads as erased.
extension EventLog {
    /// The words file of this ledger.
    public var wordsFile: String { path + "/words.dat" }

    static let wordsEndKey = Array("words-end".utf8)

    // MARK: Writing (inside the write transaction)

    /// Stores `parts` after checking each against the commitment its event holds at its field (the
    /// event in `batch`, or held). A part that does not match refuses the whole transaction; a part
    /// of erased words, or of words already held, is skipped.
    /// - Returns: how many parts were stored.
    @discardableResult
    func storeWords(
        _ txn: borrowing Transaction, _ parts: [WordsPart], batch: [EventID: SignedEvent], screen: (WordsPart, Envelope) throws -> Void = { _, _ in }
    ) throws -> Int {
        guard !parts.isEmpty else { return 0 }
        var records: [UInt8] = []
        var entries: [([UInt8], Int, Int)] = []
        var seen = Set<[UInt8]>()
        // An event's parts come together: each held event is read and decoded once.
        var held: (id: EventID, event: SignedEvent?)?
        for part in parts {
            if batch[part.event] == nil, held?.id != part.event { held = (part.event, try heldEvent(txn, part.event)) }
            guard let event = batch[part.event] ?? held?.event else {
                throw LedgerError(.corrupt, "a words part names event \(part.event), which is neither held nor carried with it; nothing was written")
            }
            let commitment = part.commitment
            guard case .string(commitment)? = Words.value(at: part.field, in: event.envelope.payload),
                let digest = Words.digest(ofCommitment: commitment)
            else {
                throw LedgerError(
                    .corrupt,
                    "the words of event \(part.event), field \"\(part.field)\", do not match the commitment the signed event holds (changed in transit, or not its words); nothing was written"
                )
            }
            if seen.contains(digest) { continue }
            if try txn.get(db.words, key: digest) != nil { continue }
            if try isErased(txn, digest: digest, part: part, event: event.envelope) { continue }
            try screen(part, event.envelope)
            seen.insert(digest)
            let bytes = part.salt + Array(part.text.utf8)
            entries.append((digest, records.count, bytes.count))
            records += bytes
        }
        guard !entries.isEmpty else { return 0 }
        let end = Int(try txn.get(db.meta, key: EventLog.wordsEndKey)?.bigEndianUInt64 ?? 0)
        try withWordsFile(write: true) { fd in
            try EventLog.pwriteAll(fd, records, at: end, file: wordsFile)
            try EventLog.cutTail(fd, at: end + records.count, file: wordsFile)
        }
        for (digest, offset, length) in entries.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            try txn.put(db.words, key: digest, value: [UInt8](bigEndian: UInt64(end + offset)) + [UInt8](bigEndian: UInt64(length)))
        }
        try txn.put(db.meta, key: EventLog.wordsEndKey, value: [UInt8](bigEndian: UInt64(end + records.count)))
        return entries.count
    }

    /// Acts on the erasure events among `fresh` (just appended in `txn`): records what they erase
    /// and destroys the words held of it.
    ///
    /// Only an erasure its signer may make is acted on, whatever brought it (an imported act its
    /// signer may not make is kept as evidence, never as a fact): a case erasure by the case's
    /// requesting State (the code its id begins with), a redaction by that State or the key
    /// authority (the Secretariat), of an event of the same case.
    /// - Returns: how many values' words were destroyed.
    @discardableResult
    func applyErasures(_ txn: borrowing Transaction, fresh: [SignedEvent]) throws -> Int {
        var digests: [[UInt8]] = []
        for event in fresh {
            let e = event.envelope
            guard let caseID = e.caseID, e.type == Words.redactionType || e.type == Words.caseErasureType else { continue }
            let requesting = Words.requestingState(ofCase: caseID)
            if e.type == Words.redactionType {
                guard e.actor == requesting || e.actor == trustAnchor.name,
                    case .string(let idText)? = e.payload["event"], let target = EventID(parsing: idText),
                    case .array(let fields)? = e.payload["fields"]
                else { continue }
                let targetEvent = try fresh.first { $0.id == target } ?? heldEvent(txn, target)
                if let targetEvent, targetEvent.envelope.caseID != caseID { continue }
                for case .string(let field) in fields {
                    // Kept with the case: words of an event of another case under that id are not erased.
                    try txn.put(db.erased, key: [UInt8(ascii: "e")] + target.bytes + Array(field.utf8), value: Array(caseID.utf8))
                    if let value = targetEvent.flatMap({ Words.value(at: field, in: $0.envelope.payload) }), case .string(let s) = value,
                        let digest = Words.digest(ofCommitment: s)
                    {
                        digests.append(digest)
                    }
                }
            } else if e.actor == requesting {
                let key = [UInt8(ascii: "k")] + Array(caseID.utf8)
                let before = try txn.get(db.erased, key: key).map { Int64(bitPattern: $0.bigEndianUInt64) } ?? .min
                try txn.put(db.erased, key: key, value: [UInt8](bigEndian: UInt64(bitPattern: max(before, e.occurred.milliseconds))))
                for stored in try events(in: Snapshot(txn, log: self), inCase: caseID) where stored.event.envelope.occurred <= e.occurred {
                    digests += Words.commitments(in: stored.event.envelope.payload).compactMap { Words.digest(ofCommitment: $0.commitment) }
                }
            }
        }
        guard !digests.isEmpty else { return 0 }
        var held: [(offset: Int, length: Int)] = []
        for digest in digests {
            try txn.put(db.erased, key: [UInt8(ascii: "c")] + digest, value: [])
            if let place = try txn.get(db.words, key: digest).flatMap(EventLog.place) {
                held.append(place)
                try txn.delete(db.words, key: digest)
            }
        }
        guard !held.isEmpty else { return 0 }
        try withWordsFile(write: true) { fd in
            for (offset, length) in held { try EventLog.pwriteAll(fd, [UInt8](repeating: 0, count: length), at: offset, file: wordsFile) }
            guard fsync(fd) == 0 else { throw FileIO.failure(errno, "erase words in", wordsFile) }
        }
        return held.count
    }

    /// Whether the words of `part` were erased: its commitment, its event's field, or its case up to
    /// the event's date.
    private func isErased(_ txn: borrowing Transaction, digest: [UInt8], part: WordsPart, event: Envelope) throws -> Bool {
        if try txn.get(db.erased, key: [UInt8(ascii: "c")] + digest) != nil { return true }
        if let erasedIn = try txn.get(db.erased, key: [UInt8(ascii: "e")] + part.event.bytes + Array(part.field.utf8)),
            erasedIn == Array((event.caseID ?? "").utf8)
        {
            return true
        }
        if let caseID = event.caseID, let until = try txn.get(db.erased, key: [UInt8(ascii: "k")] + Array(caseID.utf8)), until.count == 8 {
            return event.occurred.milliseconds <= Int64(bitPattern: until.bigEndianUInt64)
        }
        return false
    }

    private func heldEvent(_ txn: borrowing Transaction, _ id: EventID) throws -> SignedEvent? {
        guard let seq = try txn.get(db.ids, key: id.bytes)?.bigEndianUInt64, let raw = try rawEntry(in: Snapshot(txn, log: self), at: seq) else { return nil }
        return try SignedEvent(bytes: raw.bytes, checkCanonical: false)
    }

    // MARK: Reading

    /// The words held for `commitments`, as of one snapshot; a commitment whose words are erased
    /// (or never arrived) is absent from the result.
    public func words(for commitments: [String]) throws -> [String: String] {
        guard !commitments.isEmpty else { return [:] }
        return try read { txn in try words(in: txn, for: commitments) }
    }

    /// The words held for every commitment of `payloads` (an event's, a fact's as corrected).
    public func words(ofPayloads payloads: [[String: JSONValue]]) throws -> [String: String] {
        try words(for: payloads.flatMap { Words.commitments(in: $0).map(\.commitment) })
    }

    /// `value` (a projection's record, a report, an API answer) with each commitment replaced by
    /// the words held for it, or `null` where they are erased (``Words/resolve(_:_:erased:)``).
    public func resolvingWords(_ value: JSONValue) throws -> JSONValue {
        Words.resolve(value, try words(for: Words.commitments(inJSON: value)))
    }

    /// As ``words(for:)``, inside a snapshot the caller holds.
    func words(in txn: borrowing Snapshot, for commitments: [String]) throws -> [String: String] {
        try records(txn.txn, Set(commitments)).mapValues(\.text)
    }

    /// The parts held of `events`' commitments, as of one snapshot.
    public func wordsParts(of events: [SignedEvent]) throws -> [WordsPart] {
        try read { txn in try wordsParts(in: txn, of: events) }
    }

    /// The parts held of `events`' commitments (what a bundle or the served words carry with them).
    func wordsParts(in txn: borrowing Snapshot, of events: [SignedEvent]) throws -> [WordsPart] {
        let found = events.map { ($0.id, Words.commitments(in: $0.envelope.payload)) }
        let held = try records(txn.txn, Set(found.flatMap { $0.1.map(\.commitment) }))
        var parts: [WordsPart] = []
        for (id, commitments) in found {
            for (field, commitment) in commitments {
                if let r = held[commitment] { parts.append(WordsPart(event: id, field: field, salt: r.salt, text: r.text)) }
            }
        }
        return parts
    }

    /// The salt and words of each commitment held, each record checked against its commitment
    /// (one being erased, or damaged, reads as absent); one open of the file.
    private func records(_ txn: borrowing Transaction, _ commitments: Set<String>) throws -> [String: (salt: [UInt8], text: String)] {
        var places: [(String, [UInt8], Int, Int)] = []
        for c in commitments {
            guard let digest = Words.digest(ofCommitment: c), let place = try txn.get(db.words, key: digest).flatMap(EventLog.place) else { continue }
            places.append((c, digest, place.offset, place.length))
        }
        guard !places.isEmpty else { return [:] }
        var found: [String: (salt: [UInt8], text: String)] = [:]
        try withWordsFile(write: false) { fd in
            // Read and checked in file order, in parts on every core (a report asks for tens of
            // thousands; `pread` needs no shared position).
            let sorted = places.sorted(by: { $0.2 < $1.2 })
            let part = 512
            let parts = concurrentMap((sorted.count + part - 1) / part) { p -> [(String, [UInt8], String)] in
                sorted[(p * part)..<min((p + 1) * part, sorted.count)].compactMap { commitment, digest, offset, length in
                    var bytes = [UInt8](repeating: 0, count: length)
                    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
                    guard n == length else { return nil }
                    let salt = Array(bytes.prefix(Words.saltBytes))
                    guard let text = String(validating: bytes.dropFirst(Words.saltBytes), as: UTF8.self),
                        Words.digest(salt: salt, text: text) == digest
                    else { return nil }
                    return (commitment, salt, text)
                }
            }
            found.reserveCapacity(places.count)
            for (commitment, salt, text) in parts.joined() { found[commitment] = (salt, text) }
        }
        return found
    }

    /// The place of a record in the words file from its index entry (offset, length: 8 bytes each,
    /// big-endian); nil for an entry that is not one, or a length no record can have (a salt and
    /// words of at most 16 MiB, a bundle line's bound), so a damaged index never asks for more.
    static func place(_ entry: [UInt8]) -> (offset: Int, length: Int)? {
        guard entry.count == 16 else { return nil }
        let offset = entry.bigEndianUInt64
        let length = Array(entry.dropFirst(8)).bigEndianUInt64
        guard offset < UInt64(Int.max / 2), length > UInt64(Words.saltBytes), length <= 16 << 20 else {
            return nil
        }
        return (Int(offset), Int(length))
    }

    /// How many values' words the ledger holds, and how many it has recorded as erased.
    public func wordsCounts() throws -> (held: Int, erased: Int) {
        try read { txn in
            var erased = 0
            try txn.withCursor(db.erased) { cursor in
                var entry = try cursor.first()
                while let e = entry {
                    if e.key.first == UInt8(ascii: "c") { erased += 1 }
                    entry = try cursor.next()
                }
            }
            return (try txn.count(db.words), erased)
        }
    }

    // MARK: The file

    private func withWordsFile(write: Bool, _ body: (Int32) throws -> Void) throws {
        let fd = Glibc.open(wordsFile, write ? (O_RDWR | O_CREAT | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC), 0o600)
        guard fd >= 0 else {
            if !write && errno == ENOENT { return }
            throw FileIO.failure(errno, write ? "write" : "read", wordsFile)
        }
        defer { close(fd) }
        try body(fd)
    }

    static func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int, file: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileIO.failure(n < 0 ? errno : ENOSPC, "write", file) }
            done += n
        }
    }

    /// Syncs the file, then overwrites with zeros and cuts off whatever lies past `end` (the words of
    /// a writer killed before its commit), and syncs again.
    static func cutTail(_ fd: Int32, at end: Int, file: String) throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileIO.failure(errno, "write", file) }
        if Int(info.st_size) > end {
            try pwriteAll(fd, [UInt8](repeating: 0, count: Int(info.st_size) - end), at: end, file: file)
            guard fsync(fd) == 0, ftruncate(fd, off_t(end)) == 0 else { throw FileIO.failure(errno, "write", file) }
        }
        guard fsync(fd) == 0 else { throw FileIO.failure(errno, "write", file) }
    }
}
