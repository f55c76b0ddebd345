import Foundation
import LMDB
import TestSupport
import Testing

@testable import Ledger

@Suite("EventLog on LMDB")
struct EventLogTests {
    @Test("genesis and registrations are in the log, and the fixture verifies clean")
    func genesis() throws {
        let f = try LedgerFixture()
        #expect(try f.log.size() == 3)
        let first = try #require(try f.log.event(at: 1))
        #expect(first.event.envelope.type == "ledger.genesis")
        #expect(first.event.envelope.actor == "RCM-TS")
        #expect(try LedgerVerifier.verify(f.log).findings.isEmpty)
    }

    @Test("appending the same event again is a no-op at its old sequence")
    func idempotent() throws {
        let f = try LedgerFixture()
        let e = f.event("MX")
        #expect(try f.log.append([e]) == [.appended(4)])
        let root = try f.log.rootHash()
        #expect(try f.log.append([e]) == [.alreadyPresent(4)])
        #expect(try f.log.append([e, e]) == [.alreadyPresent(4), .alreadyPresent(4)])
        #expect(try f.log.rootHash() == root)
        #expect(try f.log.size() == 4)
    }

    @Test("a different event under a known id is refused as equivocation, naming both, and nothing is written")
    func equivocation() throws {
        let f = try LedgerFixture()
        let id = EventID.v7()
        _ = try f.log.append([f.event("MX", id: id)])
        let other = f.event("MX", "case.circulated", id: id)
        let before = try f.log.rootHash()
        let fresh = f.event("MX")
        #expect {
            _ = try f.log.append([fresh, other])
        } throws: { error in
            let e = error as! LedgerError
            return e.code == .equivocation && e.message.contains(id.description) && e.message.contains("sequence 4")
                && e.message.contains("case.circulated") && e.message.contains("case.request_filed")
        }
        #expect(try f.log.rootHash() == before)
        #expect(try f.log.seq(of: fresh.id) == nil)
        // Within one batch too.
        let id2 = EventID.v7()
        #expect(throws: LedgerError.code(.equivocation)) {
            _ = try f.log.append([f.event("MX", id: id2), f.event("CR", id: id2)])
        }
    }

    @Test("batches pulled into one transaction: all or nothing, one checkpoint, idempotent and equivocation-checked across batches")
    func batchesInOneTransaction() throws {
        let f = try LedgerFixture()
        let batches = (0..<3).map { _ in (0..<4).map { _ in f.event("MX") } }
        let checkpointsBefore = try f.log.storedCheckpoints().count
        var queue: [[SignedEvent]] = []
        let counts = try f.log.append(restart: { queue = batches }, batches: { queue.isEmpty ? nil : queue.removeFirst() })
        #expect(counts.appended == 12 && counts.held == 0)
        #expect(try f.log.size() == 15)
        #expect(try f.log.storedCheckpoints().count == checkpointsBefore + 1)
        #expect(try LedgerVerifier.verify(f.log).findings.isEmpty)
        // Held already, then new: the held ones are skipped, in a later batch too.
        let fresh = f.event("CR")
        let again = try f.log.append(
            restart: { queue = [[batches[0][0]], [fresh, batches[2][3]]] }, batches: { queue.isEmpty ? nil : queue.removeFirst() })
        #expect(again.appended == 1 && again.held == 2)
        // An error in a later batch, or equivocation across batches, writes nothing.
        let root = try f.log.rootHash()
        let a = f.event("MX")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            _ = try f.log.append(
                restart: { queue = [[a]] },
                batches: {
                    if queue.isEmpty { throw Stop() }
                    return queue.removeFirst()
                })
        }
        let id = EventID.v7()
        let twice = [[f.event("MX", id: id)], [f.event("CR", id: id)]]
        #expect(throws: LedgerError.code(.equivocation)) {
            _ = try f.log.append(restart: { queue = twice }, batches: { queue.isEmpty ? nil : queue.removeFirst() })
        }
        #expect(try f.log.rootHash() == root)
        #expect(try f.log.seq(of: a.id) == nil)
    }

    @Test("a batched append that fills the map runs again from the stream's start: every event once, in order")
    func batchesRestartWhenTheMapGrows() throws {
        let f = try LedgerFixture(mapSize: 1 << 20)
        let events = (0..<3000).map { _ in f.event("MX") }
        var queue: [[SignedEvent]] = []
        var runs = 0
        let counts = try f.log.append(
            restart: {
                runs += 1
                queue = stride(from: 0, to: events.count, by: 500).map { Array(events[$0..<min($0 + 500, events.count)]) }
            },
            batches: { queue.isEmpty ? nil : queue.removeFirst() })
        #expect(runs > 1, "the map never had to grow: the test does not test the restart")
        #expect(counts.appended == 3000 && counts.held == 0)
        var held: [EventID] = []
        try f.log.forEach(from: 4) {
            held.append($0.event.id)
            return true
        }
        #expect(held == events.map(\.id))
        #expect(try LedgerVerifier.verify(f.log).findings.isEmpty)
    }

    @Test("reads by sequence range, by case and by id need no scan, and agree")
    func reads() throws {
        let f = try LedgerFixture()
        var events: [SignedEvent] = []
        for i in 0..<30 {
            events.append(f.event(i % 2 == 0 ? "MX" : "CR", caseID: i % 3 == 0 ? "MX-2015-0001" : "CR-2015-0002"))
        }
        _ = try f.log.append(Array(events[0..<10]))
        _ = try f.log.append(Array(events[10...]))
        #expect(try f.log.size() == 33)
        let caseSeqs = try f.log.seqs(inCase: "MX-2015-0001")
        let expected: [UInt64] = stride(from: 0, to: 30, by: 3).map { UInt64($0) + 4 }
        #expect(caseSeqs == expected)
        #expect(try f.log.seqs(inCase: "MX-2015-000").isEmpty)  // prefixes do not match
        for (i, e) in events.enumerated() {
            #expect(try f.log.seq(of: e.id) == UInt64(i + 4))
            #expect(try f.log.event(at: UInt64(i + 4))?.event == e)
        }
        var seen: [UInt64] = []
        try f.log.forEach(from: 10, to: 12) {
            seen.append($0.seq)
            return true
        }
        #expect(seen == [10, 11, 12])
    }

    @Test("every batch leaves a signed checkpoint; proofs from the log verify against it")
    func checkpointsAndProofs() throws {
        let f = try LedgerFixture()
        for _ in 0..<5 { _ = try f.log.append((0..<7).map { _ in f.event("MX") }) }
        let sizes = try f.log.storedCheckpoints().map(\.size)
        #expect(sizes == [1, 2, 3, 10, 17, 24, 31, 38])
        let note = try f.log.checkpoint().serialized
        let cp = try Checkpoint.verify(note: note, key: f.log.nodeKey)
        #expect(cp.size == 38)
        for seq in [UInt64(1), 17, 38] {
            let raw = try #require(try f.log.rawEntry(at: seq))
            let proof = try f.log.inclusionProof(seq: seq, size: 38)
            #expect(Merkle.verifyInclusion(leafHash: Merkle.leafHash(raw.bytes), index: seq - 1, size: 38, proof: proof, root: cp.root))
        }
        let old = try Checkpoint.verify(note: try #require(try f.log.storedCheckpoint(size: 10)).serialized, key: f.log.nodeKey)
        let proof = try f.log.consistencyProof(from: 10, to: 38)
        #expect(Merkle.verifyConsistency(firstSize: 10, firstRoot: old.root, secondSize: 38, secondRoot: cp.root, proof: proof))
    }

    @Test("the map grows on MDB_MAP_FULL and nothing is lost")
    func mapGrows() throws {
        let f = try LedgerFixture(mapSize: 256 << 10)
        let before = try f.log.env.mapSize
        for _ in 0..<10 {
            _ = try f.log.append((0..<100).map { _ in f.event("MX", payload: ["pad": .string(String(repeating: "x", count: 300))]) })
        }
        #expect(try f.log.env.mapSize > before)
        #expect(try f.log.size() == 1003)
        #expect(try LedgerVerifier.verify(f.log).findings.isEmpty)
    }

    @Test("opening a directory that is not a ledger fails clearly and creates nothing")
    func notALedger() throws {
        let dir = try TestSupport.temporaryDirectory()
        #expect(throws: LedgerError.code(.notALedger)) { _ = try EventLog.open(path: dir + "/missing") }
        #expect(throws: LedgerError.code(.notALedger)) { _ = try EventLog.open(path: dir) }
        try TestSupport.write(String(repeating: "not lmdb ", count: 1000), to: dir + "/data.mdb")
        #expect(throws: LedgerError.code(.notALedger)) { _ = try EventLog.open(path: dir) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/lock.mdb"))
        let f = try LedgerFixture()
        #expect(throws: LedgerError.code(.alreadyALedger)) {
            _ = try EventLog.create(path: f.path, name: "x", secretariat: .privateKey(f.secretariat))
        }
    }
}

@Suite("Write path: the key registry decides who may sign")
struct RecorderTests {
    func draft(_ type: String = "case.request_filed", occurred: String = "2015-04-01T10:00:00Z") -> Recorder.Line {
        .init(number: 1, draft: Draft(type: type, caseID: "MX-2015-0001", occurred: Timestamp(parsing: occurred)!, payload: [:]))
    }

    @Test("a registered key signs as its actor")
    func registered() throws {
        let f = try LedgerFixture()
        let r = try Recorder(log: f.log).record([draft()], key: f.keys["MX"]!.renamed("whatever"), keyFile: "mx.pem")
        #expect(r[0].event.envelope.actor == "MX")
        #expect(r[0].outcome == .appended(4))
    }

    @Test("an unregistered key is refused")
    func unregistered() throws {
        let f = try LedgerFixture()
        #expect(throws: LedgerError.code(.unregisteredKey)) {
            _ = try Recorder(log: f.log).record([draft()], key: LedgerFixture.testKey("HN", 99), keyFile: "hn.pem")
        }
        #expect(try f.log.size() == 3)
    }

    @Test("a key used before it is valid, or after it is revoked, is refused")
    func validity() throws {
        let f = try LedgerFixture()
        #expect(throws: LedgerError.self) {
            _ = try Recorder(log: f.log).record([draft(occurred: "2013-12-31T23:59:59Z")], key: f.keys["MX"]!, keyFile: "mx.pem")
        }
        // Valid from the instant it names (2014-01-01T00:00:00Z in the fixture).
        _ = try Recorder(log: f.log).record(
            [
                .init(
                    number: 1,
                    draft: Draft(type: "case.request_filed", caseID: "MX-2014-0001", occurred: Timestamp(parsing: "2014-01-01T00:00:00Z")!, payload: [:]))
            ],
            key: f.keys["MX"]!, keyFile: "mx.pem")
        let revoke = Recorder.Line(
            number: 1,
            draft: Draft(
                type: "key.revoked", occurred: .now(),
                payload: [
                    "actor": "MX", "public_key": .string(f.keys["MX"]!.verifierKey.description), "revoked_at": "2016-01-01T00:00:00Z",
                ]))
        _ = try Recorder(log: f.log).record([revoke], key: f.secretariat, keyFile: "ts.pem")
        #expect(throws: LedgerError.code(.revokedKey)) {
            _ = try Recorder(log: f.log).record([draft(occurred: "2016-02-01T00:00:00Z")], key: f.keys["MX"]!, keyFile: "mx.pem")
        }
        // Revoked from the instant it names: at that instant the key no longer signs; a second before, it does.
        #expect(throws: LedgerError.code(.revokedKey)) {
            _ = try Recorder(log: f.log).record([draft(occurred: "2016-01-01T00:00:00Z")], key: f.keys["MX"]!, keyFile: "mx.pem")
        }
        _ = try Recorder(log: f.log).record([draft(occurred: "2015-12-31T23:59:59Z")], key: f.keys["MX"]!, keyFile: "mx.pem")
        // Acts that happened before the revocation may still be recorded.
        _ = try Recorder(log: f.log).record([draft(occurred: "2015-12-31T00:00:00Z")], key: f.keys["MX"]!, keyFile: "mx.pem")
    }

    @Test("only the Secretariat may register keys")
    func authority() throws {
        let f = try LedgerFixture()
        let line = Recorder.Line(
            number: 1,
            draft: Draft(
                type: "key.registered", occurred: .now(),
                payload: [
                    "actor": "HN", "public_key": .string(LedgerFixture.testKey("HN", 50).verifierKey.description),
                ]))
        #expect(throws: LedgerError.code(.unauthorized)) {
            _ = try Recorder(log: f.log).record([line], key: f.keys["MX"]!, keyFile: "mx.pem")
        }
    }
}

@Suite("Verifier: INTEGRITY and SIGNATURE")
struct VerifierTests {
    @Test("an event rewritten through a raw LMDB handle is an INTEGRITY breach at its sequence")
    func rawRewrite() throws {
        let f = try LedgerFixture()
        let events = (0..<10).map { _ in f.event("MX") }
        _ = try f.log.append(events)
        let env = try Environment.open(path: f.path)
        let db = try env.database(named: "events", create: false)
        let forged = Envelope(
            id: events[4].id, type: "case.concluded", caseID: "MX-2015-0001", actor: "MX",
            occurred: Timestamp(parsing: "2015-04-01T10:00:00Z")!, payload: [:]
        ).signed(by: f.keys["MX"]!)
        try env.write { txn in
            let old = try txn.get(db, key: [UInt8](bigEndian: 8))!
            try txn.put(db, key: [UInt8](bigEndian: 8), value: Array(old.prefix(8)) + forged.bytes)
        }
        let report = try LedgerVerifier.verify(f.log)
        #expect(report.findings.map(\.check) == [.integrity])
        #expect(report.findings[0].seq == 8)
        #expect(report.findings[0].event == events[4].id.description)
    }

    @Test("an event signed by a key registered to another actor, or by an unknown key, is a SIGNATURE breach")
    func signatures() throws {
        let f = try LedgerFixture()
        let impostor = Envelope(
            id: .v7(), type: "case.request_filed", caseID: "CR-2015-0001", actor: "CR",
            occurred: Timestamp(parsing: "2015-04-01T10:00:00Z")!, payload: [:]
        ).signed(by: f.keys["MX"]!)
        let stranger = Envelope(
            id: .v7(), type: "case.request_filed", caseID: "HN-2015-0001", actor: "HN",
            occurred: Timestamp(parsing: "2015-04-01T10:00:00Z")!, payload: [:]
        ).signed(by: LedgerFixture.testKey("HN", 77))
        _ = try f.log.append([f.event("MX"), impostor, stranger])
        let report = try LedgerVerifier.verify(f.log)
        #expect(report.findings.map(\.check) == [.signature, .signature])
        #expect(report.findings.map(\.seq) == [5, 6])
        #expect(report.findings[0].message.contains("registered to MX"))
    }

    @Test("a case event whose signature does not verify (another event's signature, by the right key) is a SIGNATURE breach")
    func forgedSignature() throws {
        let f = try LedgerFixture()
        let real = f.event("MX")
        let other = f.event("MX")
        // The envelope of `real` under the signature of `other`: well-formed, canonical, the right key id.
        guard case .object(var object) = try JSONParser.parse(real.bytes), case .object(let otherObject) = try JSONParser.parse(other.bytes) else {
            Issue.record("events are JSON objects")
            return
        }
        object["signature"] = otherObject["signature"]
        let forged = try SignedEvent(bytes: CanonicalJSON.encode(.object(object)))
        #expect(forged.envelope.caseID != nil)
        _ = try f.log.append([forged])
        let report = try LedgerVerifier.verify(f.log)
        #expect(report.findings.map(\.check) == [.signature])
        #expect(report.findings.first?.message.contains("does not verify") == true)
    }

    @Test("an entry removed through a raw LMDB handle is an INTEGRITY breach: the sequence numbers jump")
    func rawDelete() throws {
        let f = try LedgerFixture()
        _ = try f.log.append((0..<6).map { _ in f.event("MX") })
        let env = try Environment.open(path: f.path)
        let db = try env.database(named: "events", create: false)
        let deleted = try env.write { txn in try txn.delete(db, key: [UInt8](bigEndian: 5)) }
        #expect(deleted)
        let report = try LedgerVerifier.verify(f.log)
        #expect(report.findings.contains { $0.check == .integrity && $0.message.contains("sequence numbers jump from 4 to 6") })
    }

    @Test("a held checkpoint that the log no longer extends is an INTEGRITY breach")
    func heldCheckpoint() throws {
        let f = try LedgerFixture()
        _ = try f.log.append((0..<5).map { _ in f.event("MX") })
        let held = try f.log.checkpoint().serialized
        _ = try f.log.append((0..<5).map { _ in f.event("CR") })
        #expect(try LedgerVerifier.verify(f.log, held: held).findings.isEmpty)
        let foreign = try Checkpoint(origin: "test.example/ts", size: 8, root: Merkle.emptyRoot)
            .signed(by: try SigningKey.load(path: f.path + "/node.key", name: "test.example/ts")).serialized
        let report = try LedgerVerifier.verify(f.log, held: foreign)
        #expect(report.findings.map(\.check) == [.integrity])
        #expect(report.findings[0].seq == 8)
    }
}
