import Bundles
import Foundation
import Ledger
import TestSupport
import Testing
import Zstd

/// The Secretariat's node with Mexico's key registered, some events, and a ministry node for Mexico
/// that trusts the Secretariat.
struct TwoNodes {
    let dir: String
    let ts: EventLog
    let mx: EventLog
    let tsKey = LedgerFixture.testKey("RCM-TS", 1)
    let mxKey = LedgerFixture.testKey("MX", 2)

    init() throws {
        dir = try TestSupport.temporaryDirectory("bundles")
        ts = try EventLog.create(path: dir + "/ts", name: "rcm.example/ts", secretariat: .privateKey(tsKey)).log
        mx = try EventLog.create(path: dir + "/mx", name: "mx.example/sre", secretariat: .verifierKey(tsKey.renamed("RCM-TS").verifierKey)).log
        let reg = Draft(
            type: "key.registered", occurred: .now(),
            payload: [
                "actor": "MX", "public_key": .string(mxKey.verifierKey.description), "valid_from": "2014-01-01T00:00:00Z",
            ])
        _ = try Recorder(log: ts).record([.init(number: 1, draft: reg)], key: tsKey, keyFile: "ts")
        for i in 0..<20 {
            let d = Draft(
                type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-02-01")!.adding(seconds: Int64(i)),
                payload: ["office": .string("office \(i)"), "email": "a@b", "telephone": "1"])
            _ = try ts.append([d.envelope(actor: "MX").signed(by: mxKey)])
        }
    }

    /// Exports the Secretariat's ledger to `name`.
    func export(_ name: String, selection: Bundles.Selection = .init()) throws -> String {
        let path = dir + "/" + name
        try Bundles.export(log: ts, key: tsKey, keyFile: "ts", selection: selection, out: path)
        return path
    }

    /// The receiving ledger's bytes (to show a refused import changed nothing).
    var mxBytes: [UInt8] { TestSupport.contents(dir + "/mx/data.mdb") ?? [] }
}

/// The decompressed lines of a bundle, to tamper with, and a way to write them back.
func lines(_ path: String) throws -> [String] {
    let data = try ZstdDecompressor.decompress(try #require(TestSupport.contents(path)), bound: 1 << 30)
    return String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
}

func write(_ lines: [String], to path: String) throws {
    try Data(try ZstdCompressor.compress(Array(lines.joined(separator: "\n").utf8))).write(to: URL(fileURLWithPath: path))
}

/// Re-signs a tampered bundle's note as its exporter would (for a lying exporter).
func resign(_ lines: [String], key: SigningKey, origin: String) throws -> [String] {
    let noteStart = lines.firstIndex(of: BundleFormat.noteMagic)!
    let body = lines[..<noteStart]
    var hasher = SHA256Context()
    for l in body { hasher.update(Array(l.utf8) + [0x0A]) }
    let header = try JSONParser.parse(body[1])
    let text = "\(BundleFormat.noteMagic)\n\(origin)\n\(header["count"]!.integerValue!)\n\(header["root"]!.stringValue!)\n\(hasher.finish().base64)\n"
    let note = try SignedNote.sign(text: text, with: [key.renamed("RCM-TS")]).serialized
    return Array(body) + note.components(separatedBy: "\n")
}

@Suite("Bundles", .serialized)
struct BundleTests {
    @Test("export, verify and import between two ledgers; importing twice is a no-op; growth is proven")
    func roundTrip() throws {
        let n = try TwoNodes()
        let first = try n.export("1.bundle")
        let r1 = try Bundles.importBundle(path: first, into: n.mx)
        #expect(r1.added == 22)
        #expect(try n.mx.size() == 22)
        #expect(try LedgerVerifier.verify(n.mx).findings.isEmpty)
        let again = try Bundles.importBundle(path: first, into: n.mx)
        #expect(again.added == 0 && again.skipped == 22)
        for i in 0..<5 {
            let d = Draft(
                type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-03-01")!.adding(seconds: Int64(i)),
                payload: ["office": .string("later \(i)"), "email": "a@b", "telephone": "1"])
            _ = try n.ts.append([d.envelope(actor: "MX").signed(by: n.mxKey)])
        }
        let second = try n.export("2.bundle")
        let r2 = try Bundles.importBundle(path: second, into: n.mx)
        #expect(r2.added == 5)
        #expect(r2.growth.contains("only grew: 22 → 27"))
    }

    @Test("a bundle swapped between the import's two readings is refused whole: nothing is written")
    func swappedBetweenPasses() throws {
        let n = try TwoNodes()
        let path = try n.export("1.bundle")
        // A later export of the same origin: every event in it is valid, only the content differs.
        for i in 0..<3 {
            let d = Draft(
                type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-03-01")!.adding(seconds: Int64(i)),
                payload: ["office": .string("later \(i)"), "email": "a@b", "telephone": "1"])
            _ = try n.ts.append([d.envelope(actor: "MX").signed(by: n.mxKey)])
        }
        let later = try Data(contentsOf: URL(fileURLWithPath: try n.export("2.bundle")))
        let before = n.mxBytes
        var swapped = false
        #expect {
            _ = try Bundles.importBundle(
                path: path, into: n.mx,
                progress: { done, total in
                    // The first reading is done (half of the total): swap the file for the second.
                    if done * 2 == total, !swapped {
                        swapped = true
                        try? later.write(to: URL(fileURLWithPath: path))
                    }
                })
        } throws: { error in
            ((error as? LedgerError)?.message ?? "").contains("changed while it was being imported")
        }
        #expect(swapped)
        #expect(n.mxBytes == before, "the receiving ledger changed")
        // The same file imported afresh is the later export, whole.
        #expect(try Bundles.importBundle(path: path, into: n.mx).added == 25)
    }

    @Test("import streams: the events are read again in batches inside one transaction, across batch boundaries")
    func streamsAcrossBatches() throws {
        let n = try TwoNodes()
        let more = (0..<(Bundles.batchLines + 10)).map { i in
            Draft(
                type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-03-01")!.adding(seconds: Int64(i)),
                payload: ["office": .string("office \(i)"), "email": "a@b", "telephone": "1"]
            ).envelope(actor: "MX").signed(by: n.mxKey)
        }
        _ = try n.ts.append(more)
        let path = try n.export("big.bundle")
        // A ledger whose memory map starts small: the import reserves room for the bundle before
        // its one transaction. (A transaction that fills the map anyway runs again from the
        // stream's start: EventLogTests "a batched append that fills the map…".)
        let small = try EventLog.create(
            path: n.dir + "/small", name: "small.example/x", secretariat: .verifierKey(n.tsKey.renamed("RCM-TS").verifierKey), mapSize: 1 << 20
        ).log
        let result = try Bundles.importBundle(path: path, into: small)
        #expect(result.added == 22 + Bundles.batchLines + 10)
        #expect(try small.size() == UInt64(result.added))
        var held: [[UInt8]] = []
        for seq in 1...(try small.size()) { if let e = try small.event(at: seq) { held.append(e.event.bytes) } }
        #expect(try Bundles.parse(path: path).events.map(\.bytes) == held)
    }

    @Test("a case selection carries that case's events and every key event")
    func selection() throws {
        let n = try TwoNodes()
        let path = try n.export("sel.bundle", selection: .init(from: 5, to: 7))
        let b = try Bundles.parse(path: path)
        #expect(b.events.count == 2 + 3)  // genesis and the registration, then seqs 5…7
    }

    /// Each bad input: refused with a message containing `expect`, and the receiver unchanged.
    func refused(_ n: TwoNodes, _ path: String, _ expect: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = n.mxBytes
        #expect(sourceLocation: sourceLocation) {
            _ = try Bundles.importBundle(path: path, into: n.mx)
        } throws: { error in
            let message = (error as? LedgerError)?.message ?? "\(error)"
            return message.contains(expect)
        }
        #expect(n.mxBytes == before, "the receiving ledger changed", sourceLocation: sourceLocation)
    }

    @Test("truncated file, bad zstd frame, wrong magic, wrong version")
    func badFiles() throws {
        let n = try TwoNodes()
        let good = try n.export("good.bundle")
        let bytes = try #require(TestSupport.contents(good))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: n.dir + "/trunc"))
        try refused(n, n.dir + "/trunc", "truncated")
        try Data("this is not zstd at all".utf8).write(to: URL(fileURLWithPath: n.dir + "/notzstd"))
        try refused(n, n.dir + "/notzstd", "not a valid zstd stream")
        var l = try lines(good)
        l[0] = "some-other-format/v1"
        try write(l, to: n.dir + "/magic")
        try refused(n, n.dir + "/magic", "is not an amparo bundle")
        l = try lines(good)
        l[1] = l[1].replacingOccurrences(of: "\"format\":3", with: "\"format\":4")
        try write(l, to: n.dir + "/version")
        try refused(n, n.dir + "/version", "bundle format 4")
        l = try lines(good)
        l[0] = "amparo-bundle/v1"
        try write(l, to: n.dir + "/v1")
        try refused(n, n.dir + "/v1", "a bundle of format 1 (an earlier amparo, without the leaves of its logs); this amparo reads format 3")
        l[0] = "amparo-bundle/v2"
        try write(l, to: n.dir + "/v2")
        try refused(n, n.dir + "/v2", "a bundle of format 2 (an earlier amparo, whose events hold their free text in the clear)")
        // The whole file cut after the events: the signature is missing.
        l = try lines(good)
        try write(Array(l.prefix(while: { $0 != BundleFormat.noteMagic })), to: n.dir + "/nosig")
        try refused(n, n.dir + "/nosig", "signature is missing")
    }

    @Test("a header that lies about the count or the root, even re-signed by the exporter")
    func lyingHeader() throws {
        let n = try TwoNodes()
        let good = try n.export("good.bundle")
        var l = try lines(good)
        l[1] = l[1].replacingOccurrences(of: "\"count\":22", with: "\"count\":21")
        try write(try resign(l, key: n.tsKey, origin: "rcm.example/ts"), to: n.dir + "/count")
        try refused(n, n.dir + "/count", "says 21 events but the bundle holds 22")
        l = try lines(good)
        l[1] = l[1].replacingOccurrences(of: "\"count\":22", with: "\"count\":23")
        try write(try resign(l, key: n.tsKey, origin: "rcm.example/ts"), to: n.dir + "/more")
        try refused(n, n.dir + "/more", "says 23 events but the bundle holds 22")
        l = try lines(good)
        let root = try JSONParser.parse(l[1])["root"]!.stringValue!
        l[1] = l[1].replacingOccurrences(of: root, with: Merkle.emptyRoot.base64)
        try write(try resign(l, key: n.tsKey, origin: "rcm.example/ts"), to: n.dir + "/root")
        try refused(n, n.dir + "/root", "Merkle root does not match")
    }

    @Test("a signed note of more than 64 lines is refused with its bound, even when every signature in it is good")
    func longNote() throws {
        let n = try TwoNodes()
        let l = try lines(try n.export("good.bundle"))
        let noteStart = try #require(l.firstIndex(of: BundleFormat.noteMagic))
        let text = l[noteStart..<noteStart + 5].joined(separator: "\n") + "\n"
        func rewrite(signers: Int, to path: String) throws {
            let keys = [try n.tsKey.renamed("RCM-TS")] + (0..<signers).map { LedgerFixture.testKey("W\($0)", UInt8(10 + $0)) }
            let note = try SignedNote.sign(text: text, with: keys).serialized
            try write(Array(l[..<noteStart]) + note.components(separatedBy: "\n"), to: path)
        }
        // 5 text lines, a blank line, then one line per signature: 58 witnesses make 64 lines.
        try rewrite(signers: 57, to: n.dir + "/at-bound")
        _ = try Bundles.importBundle(path: n.dir + "/at-bound", into: n.mx)
        let m = try TwoNodes()
        try rewrite(signers: 58, to: m.dir + "/over-bound")
        try refused(m, m.dir + "/over-bound", "longer than 64 lines")
    }

    @Test("a known origin whose bundle is signed with another node key is refused, the ledger unchanged")
    func changedNodeKey() throws {
        let n = try TwoNodes()
        _ = try Bundles.importBundle(path: try n.export("first.bundle"), into: n.mx)
        // Another node under the same name and Secretariat key, with a node key of its own.
        let impostor = try EventLog.create(path: n.dir + "/ts2", name: "rcm.example/ts", secretariat: .privateKey(n.tsKey)).log
        #expect(impostor.nodeKey != n.ts.nodeKey)
        let path = n.dir + "/impostor.bundle"
        try Bundles.export(log: impostor, key: n.tsKey, keyFile: "ts", selection: .init(), out: path)
        try refused(n, path, "not the \(n.ts.nodeKey.reference) this ledger knows")
    }

    @Test("a header field the root does not cover, changed after the exporter signed: refused, the note no longer matches")
    func alteredAfterSigning() throws {
        let n = try TwoNodes()
        let good = try n.export("good.bundle")
        var l = try lines(good)
        guard case .object(var header) = try JSONParser.parse(l[1]) else {
            Issue.record("the header is a JSON object")
            return
        }
        header["selection"] = .object(["cases": ["MX-2015-0099"]])
        l[1] = CanonicalJSON.string(.object(header))
        try write(l, to: n.dir + "/altered")
        try refused(n, n.dir + "/altered", "altered after signing")
    }

    @Test("reordered or duplicated events")
    func reorderedDuplicated() throws {
        let n = try TwoNodes()
        let good = try n.export("good.bundle")
        var l = try lines(good)
        l.swapAt(5, 6)
        try write(l, to: n.dir + "/reordered")
        try refused(n, n.dir + "/reordered", "Merkle root does not match")
        l = try lines(good)
        l.insert(l[5], at: 6)
        try write(l, to: n.dir + "/dup")
        try refused(n, n.dir + "/dup", "appears twice")
    }

    @Test("an event by an unregistered key, an event after its key was revoked, a bundle signed by a stranger")
    func badSignatures() throws {
        let n = try TwoNodes()
        // An event by HN, whose key was never registered.
        let hn = LedgerFixture.testKey("HN", 9)
        _ = try n.ts.append([
            Draft(type: "state.focal_point_designated", occurred: .now(), payload: ["office": "x", "email": "y", "telephone": "z"])
                .envelope(actor: "HN").signed(by: hn)
        ])
        try refused(n, try n.export("unregistered.bundle"), "not registered")
        // Mexico's key revoked, then an event it signed after that.
        let n2 = try TwoNodes()
        _ = try Recorder(log: n2.ts).record(
            [
                .init(
                    number: 1,
                    draft: Draft(
                        type: "key.revoked", occurred: .now(),
                        payload: [
                            "actor": "MX", "public_key": .string(n2.mxKey.verifierKey.description), "revoked_at": "2016-01-01T00:00:00Z",
                        ]))
            ], key: n2.tsKey, keyFile: "ts")
        _ = try n2.ts.append([
            Draft(type: "state.focal_point_designated", occurred: Timestamp(parsing: "2016-06-01")!, payload: ["office": "x", "email": "y", "telephone": "z"])
                .envelope(actor: "MX").signed(by: n2.mxKey)
        ])
        try refused(n2, try n2.export("revoked.bundle"), "revoked")
        // A stranger signs the bundle (re-signed with an unregistered key named RCM-TS).
        let n3 = try TwoNodes()
        let l = try resign(try lines(try n3.export("good.bundle")), key: LedgerFixture.testKey("RCM-TS", 77), origin: "rcm.example/ts")
        try write(l, to: n3.dir + "/stranger")
        try refused(n3, n3.dir + "/stranger", "not signed by a registered key of its exporter")
    }

    @Test("a valid bundle with one byte flipped, anywhere")
    func flippedByte() throws {
        let n = try TwoNodes()
        let good = try n.export("good.bundle")
        let plain = Array(try lines(good).joined(separator: "\n").utf8)
        for offset in stride(from: 20, to: plain.count, by: max(1, plain.count / 25)) {
            var copy = plain
            copy[offset] ^= 0x01
            try Data(try ZstdCompressor.compress(copy)).write(to: URL(fileURLWithPath: n.dir + "/flip"))
            let before = n.mxBytes
            #expect(throws: (any Error).self, "offset \(offset)") { _ = try Bundles.importBundle(path: n.dir + "/flip", into: n.mx) }
            #expect(n.mxBytes == before)
        }
        // And a flipped byte in the compressed file itself.
        var compressed = try #require(TestSupport.contents(good))
        compressed[compressed.count / 2] ^= 0x40
        try Data(compressed).write(to: URL(fileURLWithPath: n.dir + "/flipz"))
        #expect(throws: (any Error).self) { _ = try Bundles.importBundle(path: n.dir + "/flipz", into: n.mx) }
    }

    @Test("a decompression bomb is refused as soon as the bound is crossed, with the bound in the message")
    func bomb() throws {
        let n = try TwoNodes()
        var l = try lines(try n.export("good.bundle"))
        // A 12 MiB line (under the line bound) compresses to a few kilobytes; the bundle bound is 8 MiB.
        l.insert(String(repeating: "{", count: 12 << 20), at: 2)
        try write(l, to: n.dir + "/bomb")
        #expect((TestSupport.contents(n.dir + "/bomb")?.count ?? 0) < 64 << 10)
        #expect {
            _ = try Bundles.parse(path: n.dir + "/bomb", bound: 8 << 20)
        } throws: { error in
            ((error as? LedgerError)?.message ?? "").contains("past 8388608 bytes, the bound for a bundle")
        }
        // 64 MiB of short lines is refused at the first one, without decoding the rest.
        var short = try lines(try n.export("good2.bundle"))
        short.insert(String(repeating: "{}\n", count: 64 << 20 / 3), at: 2)
        try write(short, to: n.dir + "/shortlines")
        #expect {
            _ = try Bundles.parse(path: n.dir + "/shortlines", bound: 8 << 20)
        } throws: { error in
            ((error as? LedgerError)?.message ?? "").contains("line 3: not a canonical signed event")
        }
    }

    @Test("a 2 GiB line is refused as soon as it passes the line bound, without reading it all")
    func hugeLine() throws {
        let n = try TwoNodes()
        let path = n.dir + "/hugeline"
        FileManager.default.createFile(atPath: path, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let compressor = try ZstdCompressor(level: 1)
        try compressor.write(Array((BundleFormat.magic + "\n").utf8)) { out.write(Data($0)) }
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<(2048) { try compressor.write(chunk) { out.write(Data($0)) } }  // a 2 GiB header line
        try compressor.finish { out.write(Data($0)) }
        try out.close()
        let before = n.mxBytes
        #expect {
            _ = try Bundles.importBundle(path: path, into: n.mx)
        } throws: { error in
            ((error as? LedgerError)?.message ?? "").contains("longer than \(BundleFormat.maximumLine) bytes")
        }
        #expect(n.mxBytes == before)
    }

    @Test("a different event under a known id is refused as equivocation naming both; nothing is written")
    func equivocation() throws {
        let n = try TwoNodes()
        _ = try Bundles.importBundle(path: try n.export("1.bundle"), into: n.mx)
        // Mexico's node records its own event; the Secretariat's node then holds a different one under the same id.
        let id = EventID.v7()
        let mine = Draft(id: id, type: "state.focal_point_designated", occurred: .now(), payload: ["office": "mine", "email": "a", "telephone": "1"])
        _ = try n.mx.append([mine.envelope(actor: "MX").signed(by: n.mxKey)])
        let theirs = Draft(id: id, type: "state.focal_point_designated", occurred: .now(), payload: ["office": "theirs", "email": "a", "telephone": "1"])
        _ = try n.ts.append([theirs.envelope(actor: "MX").signed(by: n.mxKey)])
        let before = n.mxBytes
        #expect {
            _ = try Bundles.importBundle(path: try n.export("2.bundle"), into: n.mx)
        } throws: { error in
            let e = error as! LedgerError
            return e.code == .equivocation && e.message.contains(id.description)
        }
        #expect(n.mxBytes == before)
    }
}

@Suite("amparo bundle, end to end", .serialized)
struct BundleCLITests {
    @Test("the Secretariat's node and Mexico's node exchange bundles with the built binary")
    func twoNodes() throws {
        let dir = try TestSupport.temporaryDirectory("nodes")
        func run(_ args: [String]) throws -> TestSupport.Result { try TestSupport.run(args, directory: dir) }
        let tsv = try run(["keys", "new", "--actor", "RCM-TS", "--out", "ts.pem"]).stdout
        try TestSupport.write(tsv, to: dir + "/ts.vkey")
        #expect(try run(["init", "--ledger", "TS", "--name", "rcm.example/ts", "--secretariat-key", "ts.pem"]).status == 0)
        #expect(try run(["init", "--ledger", "MX", "--name", "mx.example/sre", "--secretariat-key", "ts.vkey"]).status == 0)
        let mxv = try run(["keys", "new", "--actor", "MX", "--out", "mx.pem"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            try run(["keys", "register", "--ledger", "TS", "--actor", "MX", "--public-key", mxv, "--key", "ts.pem", "--valid-from", "2014-01-01"]).status == 0)
        // Before the Secretariat's bundle, Mexico's node does not know Mexico's key.
        let early = try run(["network", "join", "--ledger", "MX", "--key", "mx.pem", "--occurred", "2015-02-01", "--effective", "2015-02-01"])
        #expect(early.status == 2)
        #expect(try run(["bundle", "export", "--ledger", "TS", "--key", "ts.pem", "--out", "ts-1.bundle"]).status == 0)
        #expect(try run(["bundle", "verify", "ts-1.bundle", "--secretariat-key", "ts.vkey"]).status == 0)
        let imported = try run(["bundle", "import", "--ledger", "MX", "ts-1.bundle"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("added 2 events"))
        #expect(try run(["bundle", "import", "--ledger", "MX", "ts-1.bundle"]).stdout.hasPrefix("nothing added"))
        #expect(try run(["network", "join", "--ledger", "MX", "--key", "mx.pem", "--occurred", "2015-02-01", "--effective", "2015-02-01"]).status == 0)
        #expect(try run(["bundle", "export", "--ledger", "MX", "--key", "mx.pem", "--out", "mx-1.bundle", "--actor", "MX"]).status == 0)
        let inspect = try run(["bundle", "inspect", "mx-1.bundle"])
        #expect(inspect.stdout.contains("exporter MX"))
        #expect(try run(["bundle", "import", "--ledger", "TS", "mx-1.bundle"]).stdout.hasPrefix("added 1 event"))
        #expect(try run(["verify", "--ledger", "TS"]).status == 0)
        #expect(try run(["verify", "--ledger", "MX"]).status == 0)
        // A refused import: one line, exit 2.
        try TestSupport.write("garbage", to: dir + "/bad.bundle")
        let bad = try run(["bundle", "import", "--ledger", "TS", "bad.bundle"])
        #expect(bad.status == 2)
        #expect(bad.stderrLines.count == 1)
    }
}

@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    @Test("the committed fuzz corpus replays through the fuzz entry point without a crash")
    func replay() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/fuzz/corpus").path
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus)
        #expect(files.count >= 6)
        let r = try TestSupport.run([corpus], product: "fuzz-bundle")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("replayed \(files.count) inputs: no crash"))
    }
}
