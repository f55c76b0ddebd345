import Foundation
import LMDB
import TestSupport
import Testing

@testable import Ledger

/// The words file beside the log (issue 23), through the library: what it keeps, refuses and
/// destroys, and what a killed writer leaves.
@Suite("The words file")
struct WordsStoreTests {
    /// An event of `actor` whose `details` is the commitment of `text`, and its words part.
    static func event(_ f: LedgerFixture, _ text: String, type: String = "case.protection_action_recorded") -> (SignedEvent, WordsPart) {
        let id = EventID.v7()
        let part = WordsPart(event: id, field: "details", salt: Words.newSalt(), text: text)
        return (f.event("MX", type, payload: ["details": .string(part.commitment)], id: id), part)
    }

    static func fileBytes(_ f: LedgerFixture) -> [UInt8] { TestSupport.contents(f.log.wordsFile) ?? [] }

    @Test("words are kept beside the log, never in LMDB, read back by their commitment; a part that does not match its commitment refuses the batch")
    func keepAndRefuse() throws {
        let f = try LedgerFixture()
        let (e, part) = Self.event(f, "visit to the shelter")
        _ = try f.log.append([e], words: [part])
        #expect(try f.log.words(for: [part.commitment]) == [part.commitment: "visit to the shelter"])
        #expect(!TestSupport.holds(TestSupport.contents(f.path + "/data.mdb") ?? [], Array("visit to the shelter".utf8)))
        #expect(TestSupport.holds(Self.fileBytes(f), Array("visit to the shelter".utf8)))
        #expect(try f.log.wordsCounts() == (held: 1, erased: 0))
        // Words changed in transit, words of another field, words of an unknown event: nothing written.
        let size = try f.log.size()
        let (e2, good) = Self.event(f, "second visit")
        for bad in [
            WordsPart(event: e2.id, field: "details", salt: good.salt, text: "second visit!"),
            WordsPart(event: e2.id, field: "kind", salt: good.salt, text: "second visit"),
            WordsPart(event: .v7(), field: "details", salt: good.salt, text: "second visit"),
        ] {
            #expect(throws: LedgerError.self) { _ = try f.log.append([e2], words: [bad]) }
            #expect(try f.log.size() == size)
        }
        // Without words the event is appended, and its words may come later.
        _ = try f.log.append([e2])
        #expect(try f.log.words(for: [good.commitment]).isEmpty)
        _ = try f.log.append([e2], words: [good])
        #expect(try f.log.words(for: [good.commitment]) == [good.commitment: "second visit"])
    }

    @Test("a redaction overwrites the words and salt with zeros, keeps the log's bytes, and words arriving later for the erased value are not kept")
    func redaction() throws {
        let f = try LedgerFixture()
        let (e, part) = Self.event(f, "Rosa at the shelter")
        _ = try f.log.append([e], words: [part])
        let root = try f.log.checkpoint().text
        let before = Self.fileBytes(f)
        let redaction = f.event(
            "MX", Words.redactionType, occurred: "2015-05-01T00:00:00Z",
            payload: ["event": .string(e.id.description), "fields": ["details"], "request": "R-1"])
        _ = try f.log.append([redaction])
        let after = Self.fileBytes(f)
        #expect(after.count == before.count)
        #expect(!TestSupport.holds(after, Array("Rosa".utf8)) && !TestSupport.holds(after, part.salt))
        #expect(try f.log.words(for: [part.commitment]).isEmpty)
        #expect(try f.log.wordsCounts() == (held: 0, erased: 1))
        // The earlier tree is a prefix of the new one: every proof stays.
        #expect(try f.log.checkpoint().text != root)
        _ = try f.log.consistencyProof(from: 2, to: try f.log.size())
        // The same part again (an old bundle): not kept.
        _ = try f.log.append([e], words: [part])
        #expect(try f.log.words(for: [part.commitment]).isEmpty)
        #expect(!TestSupport.holds(Self.fileBytes(f), Array("Rosa".utf8)))
    }

    @Test("only an erasure its signer may make destroys words: another State's, or one naming another case's event, changes nothing; the Secretariat's does")
    func erasureAuthority() throws {
        let f = try LedgerFixture()
        let (e, part) = Self.event(f, "owned by Mexico")
        _ = try f.log.append([e], words: [part])
        func redaction(by actor: String, case caseID: String = "MX-2015-0001") -> SignedEvent {
            f.event(
                actor, Words.redactionType, caseID: caseID, occurred: "2015-05-01T00:00:00Z",
                payload: ["event": .string(e.id.description), "fields": ["details"], "request": "R"])
        }
        // Costa Rica's erasures (a redaction, a case erasure) of Mexico's case; Mexico's redaction
        // filed under another case of its own naming this event.
        let caseErasure = f.event("CR", Words.caseErasureType, occurred: "2015-05-01T00:00:00Z", payload: ["request": "E"])
        _ = try f.log.append([redaction(by: "CR"), caseErasure, redaction(by: "MX", case: "MX-2015-0002")])
        #expect(try f.log.words(for: [part.commitment]) == [part.commitment: "owned by Mexico"])
        #expect(try f.log.wordsCounts() == (held: 1, erased: 0))
        _ = try f.log.append([redaction(by: "RCM-TS")])
        #expect(try f.log.words(for: [part.commitment]).isEmpty)
        #expect(!TestSupport.holds(Self.fileBytes(f), Array("owned by Mexico".utf8)))
    }

    @Test("a redaction that arrives before its event: the event's words are never kept")
    func redactionFirst() throws {
        let f = try LedgerFixture()
        let (e, part) = Self.event(f, "arrived late")
        let redaction = f.event(
            "MX", Words.redactionType, occurred: "2015-05-01T00:00:00Z",
            payload: ["event": .string(e.id.description), "fields": ["details"], "request": "R-1"])
        _ = try f.log.append([redaction])
        _ = try f.log.append([e], words: [part])
        #expect(try f.log.words(for: [part.commitment]).isEmpty)
        #expect(!TestSupport.holds(Self.fileBytes(f), Array("arrived late".utf8)))
    }

    @Test("a case erasure covers the case's values up to its date, whichever order they arrive in; later values keep their words")
    func caseErasure() throws {
        let f = try LedgerFixture()
        let (early, earlyPart) = Self.event(f, "early words")
        let erasure = f.event("MX", Words.caseErasureType, occurred: "2015-05-01T00:00:00Z", payload: ["request": "E-1"])
        let laterID = EventID.v7()
        let laterPart = WordsPart(event: laterID, field: "details", salt: Words.newSalt(), text: "later words")
        let later = f.event(
            "MX", "case.protection_action_recorded", occurred: "2015-06-01T00:00:00Z", payload: ["details": .string(laterPart.commitment)], id: laterID)
        _ = try f.log.append([erasure])
        _ = try f.log.append([early, later], words: [earlyPart, laterPart])
        #expect(try f.log.words(for: [earlyPart.commitment, laterPart.commitment]) == [laterPart.commitment: "later words"])
    }

    @Test("bytes a killed writer left past the committed end are overwritten and cut off by the next write")
    func killedWriterTail() throws {
        let f = try LedgerFixture()
        let (e, part) = Self.event(f, "kept words")
        _ = try f.log.append([e], words: [part])
        let committed = Self.fileBytes(f).count
        // What a writer killed between its write and its commit leaves behind.
        let handle = try #require(FileHandle(forWritingAtPath: f.log.wordsFile))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(String(repeating: "uncommitted personal words ", count: 40).utf8))
        try handle.close()
        #expect(try f.log.words(for: [part.commitment]) == [part.commitment: "kept words"])
        let (e2, part2) = Self.event(f, "next")
        _ = try f.log.append([e2], words: [part2])
        let bytes = Self.fileBytes(f)
        #expect(bytes.count == committed + Words.saltBytes + 4)
        #expect(!TestSupport.holds(bytes, Array("uncommitted".utf8)))
        #expect(try f.log.words(for: [part.commitment, part2.commitment]).count == 2)
    }

    @Test("a record damaged on disk reads as absent, never as other words")
    func damaged() throws {
        let f = try LedgerFixture()
        let (e, part) = Self.event(f, "original words")
        _ = try f.log.append([e], words: [part])
        var bytes = Self.fileBytes(f)
        bytes[bytes.count - 1] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: f.log.wordsFile))
        #expect(try f.log.words(for: [part.commitment]).isEmpty)
        try FileManager.default.removeItem(atPath: f.log.wordsFile)
        #expect(try f.log.words(for: [part.commitment]).isEmpty)
    }

    @Test("a ledger of format 1 is refused with one line: signed events cannot be migrated")
    func formatOne() throws {
        let f = try LedgerFixture()
        try f.log.writeTxn { txn in try txn.put(f.log.db.meta, key: Array("format".utf8), value: Array("1".utf8)) }
        #expect {
            _ = try EventLog.open(path: f.path)
        } throws: { error in
            let message = (error as? LedgerError)?.message ?? ""
            return message.contains("has ledger format 1; this amparo reads format 2 only")
                && message.contains("cannot be migrated without every signer's key") && !message.contains("\n")
        }
    }

    @Test("commitments: the same text under two salts differs; a commitment is recognised exactly")
    func commitments() {
        let a = Words.commitment(salt: Words.newSalt(), text: "x")
        let b = Words.commitment(salt: Words.newSalt(), text: "x")
        #expect(a != b && Words.isCommitment(a))
        #expect(!Words.isCommitment(String(a.dropLast())))
        #expect(!Words.isCommitment(a.uppercased()))
        #expect(!Words.isCommitment("hmac-sha256:" + String(repeating: "g", count: 64)))
        #expect(Words.digest(ofCommitment: a)?.count == 32)
        #expect(Words.value(at: "fields.summary", in: ["fields": ["summary": "s"]]) == "s")
        #expect(Words.value(at: "fields.nope", in: ["fields": ["summary": "s"]]) == nil)
        #expect(Words.commitments(in: ["a": .string(a), "fields": ["b": .string(b)], "n": 1]).map(\.path) == ["a", "fields.b"])
    }
}
