import Bundles
import Foundation
import Ledger
import TestSupport
import Testing
import Zstd

@Suite("Forks and hostile bundles (issue 8)", .serialized)
struct ForkTests {
    /// Appends `count` lawful network events by Mexico to `log`, marked with `tag`.
    func grow(_ n: TwoNodes, _ log: EventLog, _ count: Int, tag: String) throws {
        for i in 0..<count {
            let d = Draft(
                type: "state.focal_point_designated", occurred: Timestamp(parsing: "2015-03-01")!.adding(seconds: Int64(i)),
                payload: ["office": .string("\(tag) \(i)"), "email": "a@b", "telephone": "1"])
            _ = try log.append([d.envelope(actor: "MX").signed(by: n.mxKey)])
        }
    }

    func export(_ log: EventLog, _ n: TwoNodes, _ name: String) throws -> String {
        let path = n.dir + "/" + name
        try Bundles.export(log: log, key: n.tsKey, keyFile: "ts", selection: .init(), out: path)
        return path
    }

    @Test("5. an origin that rolls its log back and rewrites it is refused with FORK, the evidence kept; an older export is not a fork")
    func rollback() throws {
        let n = try TwoNodes()
        let old = try n.export("b0.bundle")
        _ = try Bundles.importBundle(path: old, into: n.mx)
        // The sender's state now, kept aside: the attacker will roll back to it.
        let size0 = try n.ts.size()
        try FileManager.default.createDirectory(atPath: n.dir + "/rolled", withIntermediateDirectories: true)
        for f in ["data.mdb", "node.key"] { try FileManager.default.copyItem(atPath: n.dir + "/ts/" + f, toPath: n.dir + "/rolled/" + f) }
        try grow(n, n.ts, 10, tag: "honest")
        _ = try Bundles.importBundle(path: try export(n.ts, n, "b1.bundle"), into: n.mx)
        // The older export again: the same root as the checkpoint seen then, not a fork.
        #expect(try Bundles.importBundle(path: old, into: n.mx).added == 0)

        let rolled = try EventLog.open(path: n.dir + "/rolled")
        #expect(try rolled.size() == size0)
        try grow(n, rolled, 4, tag: "rewritten")
        let forked = try export(rolled, n, "forked.bundle")
        let sizeBefore = try n.mx.size()
        #expect {
            _ = try Bundles.importBundle(path: forked, into: n.mx)
        } throws: { error in
            let e = (error as? ForkFound)?.error ?? (error as! LedgerError)
            return e.code == .fork && e.message.contains("\(size0 + 4) events") && e.message.contains("\(size0 + 10) events")
        }
        #expect(try n.mx.size() == sizeBefore)
        let forks = try PeerStore(log: n.mx).forks()
        #expect(forks.count == 1)
        #expect(try Checkpoint(text: SignedNote(parsing: forks[0].held).text).size == size0 + 10)
        #expect(try Checkpoint(text: SignedNote(parsing: forks[0].presented).text).size == size0 + 4)

        // The same size with another root: a fork too.
        try grow(n, rolled, 6, tag: "rewritten more")
        #expect(try rolled.size() == size0 + 10)
        let sameSize = try export(rolled, n, "same-size.bundle")
        #expect {
            _ = try Bundles.importBundle(path: sameSize, into: n.mx)
        } throws: { error in
            ((error as? ForkFound)?.message ?? "").contains("two different logs of the same size")
        }
        #expect(try n.mx.size() == sizeBefore)

        // The built binary: bundle verify and import exit 1 with FORK; peers shows the evidence.
        for args in [["bundle", "verify", "--ledger", n.dir + "/mx", forked], ["bundle", "import", "--ledger", n.dir + "/mx", forked]] {
            let r = try TestSupport.run(args)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("amparo: FORK:") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let peers = try TestSupport.run(["peers", "--ledger", n.dir + "/mx"])
        #expect(peers.status == 1)
        #expect(peers.stdout.contains("FORK of rcm.example/ts"))
        #expect(peers.stdout.components(separatedBy: "— rcm.example/ts ").count - 1 >= 4, "\(peers.stdout)")
    }

    /// Imports `path` into Mexico's node expecting a refusal whose message holds `expect`, with
    /// the receiving ledger byte for byte as it was.
    func refused(_ n: TwoNodes, _ path: String, _ expect: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = n.mxBytes
        #expect(sourceLocation: sourceLocation) {
            _ = try Bundles.importBundle(path: path, into: n.mx)
        } throws: { error in
            ((error as? LedgerError)?.message ?? "\(error)").contains(expect)
        }
        #expect(n.mxBytes == before, "the receiving ledger changed", sourceLocation: sourceLocation)
    }

    @Test(
        "leaves past a log's size, too few, for a log the header does not list, out of order, after which an event comes, or not making its root: refused, nothing written"
    )
    func hostileLeaves() throws {
        let n = try TwoNodes()
        let good = try lines(try n.export("good.bundle"))
        let first = try #require(good.firstIndex { $0.hasPrefix(BundleFormat.leavesPrefix) })
        let leaves = good[first]
        let hashes = [UInt8](base64: String(leaves.dropFirst("leaves 0 ".count)))!
        #expect(hashes.count == 32 * 22, "the log holds its genesis, the key registration and 20 acts")
        func variant(_ name: String, _ change: (inout [String]) -> Void) throws -> String {
            var l = good
            change(&l)
            let path = n.dir + "/" + name
            try write(try resign(l, key: n.tsKey, origin: "rcm.example/ts"), to: path)
            return path
        }
        try refused(
            n, try variant("past") { $0.insert("leaves 0 " + Array(hashes.prefix(32)).base64, at: first + 1) },
            "more leaf hashes of log 0 than its checkpoint's 22 events")
        try refused(
            n, try variant("few") { $0[first] = "leaves 0 " + Array(hashes.dropLast(32)).base64 },
            "carries 21 leaf hashes of log 0, whose checkpoint has 22 events")
        try refused(n, try variant("unknown") { $0[first] = "leaves 1 " + hashes.base64 }, "not a line of leaf hashes")
        try refused(n, try variant("spelling") { $0[first] = "leaves 00 " + hashes.base64 }, "not a line of leaf hashes")
        try refused(n, try variant("ragged") { $0[first] = "leaves 0 " + Array(hashes.dropLast(1)).base64 }, "not a line of leaf hashes")
        try refused(n, try variant("event-after") { $0.insert(good[2], at: first + 1) }, "an event after the placements or leaf hashes")
        // The placements: one per event, of a listed log, naming the event's own leaf.
        let placedLine = try #require(good.firstIndex { $0.hasPrefix(BundleFormat.placedPrefix) })
        let placed = [UInt8](base64: String(good[placedLine].dropFirst(BundleFormat.placedPrefix.count)))!
        #expect(placed.count == 10 * 22)
        func placements(_ bytes: [UInt8]) -> String { BundleFormat.placedPrefix + bytes.base64 }
        try refused(n, try variant("unplaced") { $0[placedLine] = placements(Array(placed.dropLast(10))) }, "places 21 of its 22 events")
        var elsewhere = placed
        elsewhere[1] = 1
        try refused(n, try variant("unlisted") { $0[placedLine] = placements(elsewhere) }, "names log 1, which the header does not list")
        var misplaced = placed
        misplaced[9] ^= 1  // the first event placed at index 1: another event's leaf
        try refused(n, try variant("misplaced") { $0[placedLine] = placements(misplaced) }, "is not the leaf 1 of the log its placement names")
        try refused(n, try variant("placed-late") { $0.swapAt(placedLine, first) }, "placements after the leaf hashes")
        // A header whose logs claim more leaves than a bundle may carry: refused at the header.
        let big = LedgerFixture.testKey("big.example/node", 42)
        let huge = try Checkpoint(origin: "big.example/node", size: 1 << 30, root: [UInt8](repeating: 7, count: 32)).signed(by: big).serialized
        let relayed = CanonicalJSON.string(
            .object(["origin": "big.example/node", "origin_key": .string(big.verifierKey.description), "checkpoint": .string(huge)]))
        try refused(
            n, try variant("huge") { $0[1] = $0[1].replacingOccurrences(of: "\"logs\":[]", with: "\"logs\":[\(relayed)]") },
            "past the bound of 16777216 leaf hashes")
        var swapped = hashes
        swapped.swapAt(0, 32)
        try refused(n, try variant("root") { $0[first] = "leaves 0 " + swapped.base64 }, "do not make the root of its checkpoint")
        // The good one imports, and its leaves become Mexico's mirror of the Secretariat's log.
        _ = try Bundles.importBundle(path: try variant("same", { _ in }), into: n.mx)
        #expect(try PeerStore(log: n.mx).record("rcm.example/ts")?.mirrored == 22)
        #expect(try PeerStore(log: n.mx).mirroredLeaf("rcm.example/ts", 21) == Array(hashes.suffix(32)))
    }

    @Test("an event another origin first recorded is admitted even from a bundle whose exporter's own log forked; the exporter's other branch is not")
    func placementByOrigin() throws {
        let n = try TwoNodes()
        let dir = n.dir
        // A relay node that receives the Secretariat's log, and a copy of it that will fork.
        let anchor = try n.tsKey.renamed("RCM-TS").verifierKey
        let relay = try EventLog.create(path: dir + "/relay", name: "relay.example/node", secretariat: .verifierKey(anchor)).log
        _ = try Bundles.importBundle(path: try n.export("ts-0.bundle"), into: relay)
        try FileManager.default.copyItem(atPath: dir + "/relay", toPath: dir + "/relay-b")
        let relayB = try EventLog.open(path: dir + "/relay-b")
        try grow(n, relay, 1, tag: "branch A")
        // The Secretariat records one more act; branch B relays it and appends its own.
        try grow(n, n.ts, 1, tag: "secretariat")
        _ = try Bundles.importBundle(path: try n.export("ts-1.bundle"), into: relayB)
        try grow(n, relayB, 1, tag: "branch B")
        let a = try export(relay, n, "relay-a.bundle")
        let b = try export(relayB, n, "relay-b.bundle")
        // Mexico's node holds branch A, then receives branch B.
        _ = try Bundles.importBundle(path: a, into: n.mx)
        let before = try n.mx.size()
        #expect {
            _ = try Bundles.importBundle(path: b, into: n.mx)
        } throws: { error in
            guard let found = error as? ForkFound else { return false }
            return found.result.added == 1 && found.result.withheld == 1 && found.result.forks.map(\.origin) == ["relay.example/node"]
        }
        // The Secretariat's act came in, placed in its own log (which agrees); branch B's did not.
        #expect(try n.mx.size() == before + 1)
        let offices = try n.mx.events(inCase: "").compactMap { $0.event.envelope.payload["office"]?.stringValue }
        #expect(offices.contains("secretariat 0"))
        #expect(!offices.contains("branch B 0"))
        #expect(try PeerStore(log: n.mx).record("rcm.example/ts")?.checkpoint.size == 23)
    }

    @Test(
        "evidence in a bundle: a valid one about a log this node or the bundle knows is stored on import; one that does not hold refuses the bundle and nothing is written"
    )
    func evidenceInBundles() throws {
        let n = try TwoNodes()
        let liar = LedgerFixture.testKey("liar.example/node", 40)
        func note(_ root: UInt8) throws -> String {
            try Checkpoint(origin: "liar.example/node", size: 5, root: [UInt8](repeating: root, count: 32)).signed(by: liar).serialized
        }
        let evidence = ForkEvidence(
            origin: "liar.example/node", originKey: liar.verifierKey.description, checkpoints: [try note(1), try note(2)], index: nil)
        #expect(try evidence.check().0.size == 5)
        let good = try lines(try n.export("good.bundle"))
        func with(_ e: ForkEvidence, _ name: String) throws -> String {
            var l = good
            l[1] = l[1].replacingOccurrences(of: "\"evidence\":[]", with: "\"evidence\":[" + String(decoding: e.bytes, as: UTF8.self) + "]")
            #expect(l[1] != good[1])
            try write(try resign(l, key: n.tsKey, origin: "rcm.example/ts"), to: n.dir + "/" + name)
            return n.dir + "/" + name
        }
        // One of the same tree twice, and one whose note was altered after signing.
        let same = ForkEvidence(origin: evidence.origin, originKey: evidence.originKey, checkpoints: [try note(1), try note(1)], index: nil)
        try refused(n, try with(same, "same"), "its two checkpoints are the same tree")
        let altered = ForkEvidence(
            origin: evidence.origin, originKey: evidence.originKey,
            checkpoints: [try note(1), try note(2).replacingOccurrences(of: "\n5\n", with: "\n6\n")], index: nil)
        try refused(n, try with(altered, "altered"), "does not verify with the origin's key")
        // Valid, but about a log neither this node nor the bundle knows: checked, not kept (any
        // sender could otherwise make every verify fail).
        let stranger = try Bundles.importBundle(path: try with(evidence, "stranger"), into: n.mx)
        #expect(stranger.evidenceAdded == 0)
        #expect(try PeerStore(log: n.mx).forks().isEmpty)
        // About the bundle's own origin (two checkpoints its node key signed): kept.
        let nodeKey = try SigningKey.load(path: n.dir + "/ts/node.key", name: "rcm.example/ts")
        let own = ForkEvidence(
            origin: "rcm.example/ts", originKey: nodeKey.verifierKey.description,
            checkpoints: try [1, 2].map {
                try Checkpoint(origin: "rcm.example/ts", size: 3, root: [UInt8](repeating: $0, count: 32)).signed(by: nodeKey).serialized
            },
            index: nil)
        let result = try Bundles.importBundle(path: try with(own, "valid"), into: n.mx)
        #expect(result.evidenceAdded == 1)
        let forks = try PeerStore(log: n.mx).forks()
        #expect(forks.map(\.origin) == ["rcm.example/ts"])
        #expect(forks.first?.heldIndex == nil, "received, not found here")
    }

    @Test("6. a small bundle of newlines is refused at line 2, in bounded memory")
    func newlines() throws {
        let dir = try TestSupport.temporaryDirectory("newlines")
        let path = dir + "/nl.bundle"
        FileManager.default.createFile(atPath: path, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let compressor = try ZstdCompressor(level: 19)
        try compressor.write(Array((BundleFormat.magic + "\n").utf8)) { out.write(Data($0)) }
        let chunk = [UInt8](repeating: 0x0A, count: 1 << 20)
        for _ in 0..<400 { try compressor.write(chunk) { out.write(Data($0)) } }  // 400 MB of newlines
        try compressor.finish { out.write(Data($0)) }
        try out.close()
        #expect((TestSupport.contents(path)?.count ?? 0) < 64 << 10)
        let key = LedgerFixture.testKey("RCM-TS", 1).verifierKey.description
        let r = try TestSupport.runExecutable(
            "/usr/bin/time",
            [
                "-f", "maxrss-kb %M", TestSupport.productsDirectory + "/amparo",
                "bundle", "verify", "--secretariat-key", key, path,
            ])
        #expect(r.status == 2)
        #expect(r.stderr.contains("line 2 is empty"), "\(r.stderr)")
        let rss = r.stderr.components(separatedBy: "maxrss-kb ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .max
        #expect(rss < 96 << 10, "peak RSS \(rss) KiB")
    }
}
