import Foundation
import Ledger
import TestSupport
import Testing
import Zstd

/// Issue 23: free text enters signed events as commitments; the words live beside the log, travel
/// unsigned beside their events, and are erased on every node the erasure reaches. Each through the
/// built binary.
@Suite("Erasable words (issue 23)", .serialized)
struct WordsTests {
    typealias Node = EventCommandTests.Node

    static let secret = "Rosa Martinez placed in a shelter in Nassau"

    /// A node that trusts the Secretariat's key only and receives everything by bundle.
    struct Receiver {
        let dir: String
        init(_ name: String, ts: Node) throws {
            dir = try TestSupport.temporaryDirectory("words-" + name)
            let vkey = try TestSupport.run(["keys", "show", "--key", ts.dir + "/RCM-TS.pem", "--actor", "RCM-TS"]).stdout
            try TestSupport.write(vkey, to: dir + "/ts.vkey")
            #expect(try run(["init", "--name", "\(name).example/node", "--secretariat-key", dir + "/ts.vkey"]).status == 0)
        }
        func run(_ args: [String]) throws -> TestSupport.Result {
            try TestSupport.run(args, environment: ["AMPARO_LEDGER": dir + "/ledger"])
        }
    }

    /// The decompressed bytes of a bundle.
    static func plain(_ bundle: String) throws -> [UInt8] {
        try ZstdDecompressor.decompress(try #require(TestSupport.contents(bundle)), bound: 1 << 30)
    }

    /// Every file under `dir`, read whole.
    static func files(_ dir: String) throws -> [(String, [UInt8])] {
        let all = try FileManager.default.subpathsOfDirectory(atPath: dir)
        return all.compactMap { sub in
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + sub, isDirectory: &isDir), !isDir.boolValue else { return nil }
            return TestSupport.contents(dir + "/" + sub).map { (sub, $0) }
        }
    }

    /// What of `needles` is found in any file under `dir`: "file: needle".
    static func found(_ needles: [[UInt8]], under dir: String) throws -> [String] {
        var out: [String] = []
        for (name, bytes) in try files(dir) {
            for n in needles where TestSupport.holds(bytes, n) { out.append("\(name): \(String(decoding: n.prefix(24), as: UTF8.self))") }
        }
        return out
    }

    /// The seq of the first event of `type` in the case.
    static func seq(_ n: Node, _ type: String) throws -> String {
        let log = try JSONParser.parse(try n.run(["log", "--case", "MX-2015-0001", "--format", "json"]).stdout)
        let event = try #require(log.arrayValue?.first { $0["type"]?.stringValue == type })
        return String(try #require(event["seq"]?.integerValue))
    }

    @Test(
        "the words of a correction reach three nodes by bundles and are erased on each by case redact: no byte of the words or the salt in any file, verify clean, every earlier checkpoint consistent with the current one"
    )
    func threeNodes() throws {
        let ts = try DailyUseTests.caseNode()
        let filing = try Self.seq(ts, "case.request_filed")
        // The reproduction: a case without a vault entry, a correction whose words name the migrant.
        try ts.act(
            "MX",
            [
                "case", "correct", "--case", "MX-2015-0001", "--occurred", "2015-04-02", "--event", filing, "--fields",
                #"{"protection_required":"\#(Self.secret)"}"#, "--reason", "more precise",
            ])
        let correction = try Self.seq(ts, "case.corrected")
        let shown = try ts.run(["case", "show", "--case", "MX-2015-0001"]).stdout
        #expect(shown.contains("protection required (as corrected): \(Self.secret)"), "\(shown)")
        // The signed event holds the commitment, never the words.
        let signed = try ts.run(["log", "--case", "MX-2015-0001", "--format", "json"]).stdout
        #expect(signed.contains("hmac-sha256:"))
        let logJSON = try JSONParser.parse(signed)
        let corrected = try #require(logJSON.arrayValue?.first { $0["type"]?.stringValue == "case.corrected" })
        #expect(corrected["payload"]?["fields"]?["protection_required"]?.stringValue?.hasPrefix("hmac-sha256:") == true)
        #expect(corrected["words"]?["fields.protection_required"]?.stringValue == Self.secret)
        #expect(!TestSupport.holds(try #require(TestSupport.contents(ts.dir + "/ledger/data.mdb")), Array("Rosa Martinez".utf8)))

        // Node B imports the Secretariat's bundle, node C B's (which relays it).
        let b = try Receiver("b", ts: ts)
        let c = try Receiver("c", ts: ts)
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/1.bundle"]).status == 0)
        #expect(try b.run(["bundle", "import", ts.dir + "/1.bundle"]).status == 0)
        #expect(try b.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", b.dir + "/1.bundle"]).status == 0)
        #expect(try c.run(["bundle", "import", b.dir + "/1.bundle"]).status == 0)
        for node in [b.run, c.run] {
            #expect(try node(["case", "show", "--case", "MX-2015-0001"]).stdout.contains(Self.secret))
        }
        // The salt of the value, recovered before erasure (from the bundle that carried it).
        let parts = try String(decoding: Self.plain(ts.dir + "/1.bundle"), as: UTF8.self).split(separator: "\n")
            .compactMap { try? WordsPart(line: Array($0.utf8)) }
        let part = try #require(parts.first { $0.text == Self.secret })
        #expect(part.field == "fields.protection_required")
        let needles = [Array("Rosa".utf8), Array("Martinez".utf8), Array("shelter in Nassau".utf8), part.salt, Array(part.salt.base64.utf8)]
        #expect(try !Self.found(needles, under: c.dir + "/ledger").isEmpty)

        // `person set` with the name lists the recorded value and the command that erases it.
        try TestSupport.write(#"{"names":["Rosa Martinez"]}"#, to: ts.dir + "/person.json")
        let set = try ts.run(["person", "set", "MX-2015-0001", "--from", ts.dir + "/person.json", "--key", ts.dir + "/MX.pem"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(
            set.stdout.contains(
                "seq \(correction) case.corrected fields.protection_required: amparo case redact --case MX-2015-0001 --event \(correction) --fields fields.protection_required"
            ), "\(set.stdout)")
        #expect(!set.stdout.contains("case.request_filed"), "\(set.stdout)")

        // Earlier checkpoints, kept by each node.
        for (name, run) in [("ts", ts.run), ("b", b.run), ("c", c.run)] {
            try TestSupport.write(try run(["checkpoint"]).stdout, to: ts.dir + "/\(name).checkpoint")
        }
        // The erasure, by the requesting State, reaches B and C by bundles.
        let redact = try ts.run([
            // The case id first and --field: the spelling issue 23 suggested works too.
            "case", "redact", "MX-2015-0001", "--event", correction, "--field", "fields.protection_required", "--request", "DPO-2026-17",
            "--occurred", "2015-05-01", "--key", ts.dir + "/MX.pem",
        ])
        #expect(redact.status == 0, "\(redact.stderr)")
        #expect(redact.stdout.contains("erased the words of fields.protection_required of event seq \(correction) on this node"), "\(redact.stdout)")
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/2.bundle"]).status == 0)
        #expect(try b.run(["bundle", "import", ts.dir + "/2.bundle"]).status == 0)
        #expect(try b.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", b.dir + "/2.bundle"]).status == 0)
        #expect(try c.run(["bundle", "import", b.dir + "/2.bundle"]).status == 0)

        for (name, dir, run) in [("ts", ts.dir, ts.run), ("b", b.dir, b.run), ("c", c.dir, c.run)] {
            // No byte of the words or the salt in any file of the node's ledger directory.
            let left = try Self.found(needles, under: dir + "/ledger")
            #expect(left.isEmpty, "\(name): \(left)")
            let show = try run(["case", "show", "--case", "MX-2015-0001"]).stdout
            #expect(show.contains("protection required (as corrected): [erased]"), "\(name): \(show)")
            #expect(show.contains("reason: more precise"), "\(name): \(show)")
            let es = try run(["case", "show", "--case", "MX-2015-0001", "--lang", "es"]).stdout
            #expect(es.contains("protección requerida (según la corrección): [suprimido]"), "\(name): \(es)")
            let log = try JSONParser.parse(try run(["log", "--case", "MX-2015-0001", "--format", "json"]).stdout)
            let e = try #require(log.arrayValue?.first { $0["type"]?.stringValue == "case.corrected" })
            #expect(e["words"]?["fields.protection_required"] == .null)
            #expect(e["words"]?["reason"]?.stringValue == "more precise")
            // verify clean, and the checkpoint held before the erasure is consistent with the current one.
            let v = try run(["verify", "--checkpoint", ts.dir + "/\(name).checkpoint"])
            #expect(v.status == 0, "\(name): \(v.stdout) \(v.stderr)")
        }
        // Newly exported bundles carry nothing of the words.
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/3.bundle"]).status == 0)
        for bundle in [ts.dir + "/2.bundle", b.dir + "/2.bundle", ts.dir + "/3.bundle"] {
            let bytes = try Self.plain(bundle)
            for n in needles { #expect(!TestSupport.holds(bytes, n), "\(bundle)") }
        }
        // A bundle handed out before the erasure cannot be recalled, but a node that received the
        // erasure keeps nothing of it: importing it again stores no word.
        #expect(try c.run(["bundle", "import", ts.dir + "/1.bundle"]).status == 0)
        #expect(try Self.found(needles, under: c.dir + "/ledger").isEmpty)
    }

    @Test("the words travel by sync, checked against their commitments; an erasure synced later destroys them on the syncing node")
    func bySync() throws {
        let n = try FederationTests.secretariat()
        try n.act("US", ["case", "offer", "--case", "MX-2015-0001", "--occurred", "2015-04-03", "--offer", "a visit by the consul in Nassau"])
        let (servers, url, node) = try FederationTests.serving(n)
        defer { servers.stop() }
        try FederationTests.node(n, "m", "m.example/node")
        try TestSupport.write("log \(node) \(url)\nquorum none\n", to: n.dir + "/peer.policy")
        #expect(try FederationTests.run(n, ["policy", "set", "--ledger", "m", "peer.policy"]).status == 0)
        let first = try FederationTests.run(n, ["sync", "--ledger", "m"])
        #expect(first.status == 0, "\(first.stderr)")
        let show = { try FederationTests.run(n, ["case", "show", "--case", "MX-2015-0001", "--ledger", "m"]).stdout }
        let synced = try show()
        #expect(synced.contains("offer: a visit by the consul in Nassau"), "\(synced)")
        #expect(try !Self.found([Array("consul in Nassau".utf8)], under: n.dir + "/m").isEmpty)
        let offer = try Self.seq(n, "case.collaboration_offered")
        let r = try n.run([
            "case", "redact", "--case", "MX-2015-0001", "--event", offer, "--request", "US-1", "--occurred", "2015-05-01", "--key", n.dir + "/US.pem",
        ])
        #expect(r.status == 1 && r.stderr.contains("AUTHORITY"), "the assisting State does not erase the requesting State's case: \(r.stderr)")
        #expect(
            try n.run([
                "case", "redact", "--case", "MX-2015-0001", "--event", offer, "--request", "MX-1", "--occurred", "2015-05-01", "--key", n.dir + "/MX.pem",
            ])
            .status == 0)
        #expect(try FederationTests.run(n, ["sync", "--ledger", "m"]).status == 0)
        let erased = try show()
        #expect(erased.contains("offer: [erased]"), "\(erased)")
        #expect(try Self.found([Array("consul in Nassau".utf8)], under: n.dir + "/m").isEmpty)
        #expect(try FederationTests.run(n, ["verify", "--ledger", "m"]).status == 0)
    }

    @Test("the meeting report never publishes erased words: the text says erased in each language, the JSON null")
    func reportAfterErasure() throws {
        let dir = try TestSupport.temporaryDirectory("words-report")
        let ledger = dir + "/demo"
        #expect(try TestSupport.run(["demo", "--ledger", ledger, "--cases", "40", "--quiet"]).status == 0)
        func run(_ args: [String]) throws -> TestSupport.Result { try TestSupport.run(args + ["--ledger", ledger]) }
        let meeting = "2015-11-09-mexico-city"
        let before = try run(["report", "meeting", meeting]).stdout
        #expect(before.contains("## 1. Case CA-2014-0003, presented by Canada"), "\(before)")
        let htmlBefore = try run(["report", "meeting", meeting, "--format", "html"]).stdout
        let log = try JSONParser.parse(try run(["log", "--case", "CA-2014-0003", "--format", "json"]).stdout)
        let presented = try #require(log.arrayValue?.first { $0["type"]?.stringValue == "case.presented_at_meeting" })
        let lessons = try #require(presented["words"]?["lessons"]?.stringValue)
        let nature = try #require(presented["words"]?["nature"]?.stringValue)
        let seq = String(try #require(presented["seq"]?.integerValue))
        let r = try run([
            "case", "redact", "--case", "CA-2014-0003", "--event", seq, "--fields", "lessons,nature", "--request", "CA-DPO-1", "--occurred", "2019-01-01",
            "--key", ledger + "/test-keys/CA.pem",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let md = try run(["report", "meeting", meeting]).stdout
        let start = try #require(md.range(of: "## 1. Case CA-2014-0003")).lowerBound
        let end = try #require(md.range(of: "## 2. ")).lowerBound
        let section = String(md[start..<end])
        #expect(section.contains("Lessons learned: [erased]") && section.contains("As presented: [erased]"), "\(section)")
        // The facts the ledger holds may read like the erased words; the words themselves are gone.
        #expect(!section.contains(lessons) && !section.contains("As presented: \(nature)"))
        let es = try run(["report", "meeting", meeting, "--lang", "es"]).stdout
        #expect(es.contains("[suprimido]") && !es.contains("[erased]"))
        let json = try JSONParser.parse(try run(["report", "meeting", meeting, "--format", "json"]).stdout)
        let item = try #require(json["presented"]?.arrayValue?.first { $0["case"]?.stringValue == "CA-2014-0003" })
        #expect(item["lessons"] == .null && item["nature"] == .null)
        #expect(item["protection_provided"]?.stringValue?.isEmpty == false)
        let html = try run(["report", "meeting", meeting, "--format", "html"]).stdout
        // The other cases that learned the same lesson still say it; this one no longer does.
        #expect(html.contains("[erased]"))
        #expect(html.components(separatedBy: lessons).count == htmlBefore.components(separatedBy: lessons).count - 1)
    }

    @Test("person erase erases every free-text value of the case recorded until then, on this node and on each node the erasure reaches")
    func personErase() throws {
        let ts = try DailyUseTests.caseNode()
        try ts.act("US", ["case", "offer", "--case", "MX-2015-0001", "--occurred", "2015-04-03", "--offer", "a visit by the consul in Nassau"])
        let b = try Receiver("pe", ts: ts)
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/1.bundle"]).status == 0)
        #expect(try b.run(["bundle", "import", ts.dir + "/1.bundle"]).status == 0)
        #expect(try b.run(["case", "show", "--case", "MX-2015-0001"]).stdout.contains("offer: a visit by the consul in Nassau"))
        let r = try ts.run(["person", "erase", "MX-2015-0001", "--request", "MX-ERASE-9", "--occurred", "2015-05-01", "--key", ts.dir + "/MX.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        // A later act keeps its words.
        try ts.act("US", ["case", "offer", "--case", "MX-2015-0001", "--occurred", "2015-05-02", "--offer", "a second offer after the erasure"])
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/2.bundle"]).status == 0)
        #expect(try b.run(["bundle", "import", ts.dir + "/2.bundle"]).status == 0)
        for (dir, run) in [(ts.dir, ts.run), (b.dir, b.run)] {
            let show = try run(["case", "show", "--case", "MX-2015-0001"]).stdout
            #expect(show.contains("offer: [erased]") && show.contains("protection required: [erased]"), "\(show)")
            #expect(show.contains("offer: a second offer after the erasure"), "\(show)")
            #expect(try Self.found([Array("consul in Nassau".utf8)], under: dir + "/ledger").isEmpty)
            #expect(try run(["verify"]).status == 0)
        }
    }

    @Test("a words part changed in transit refuses the bundle, nothing written; a bundle without words imports and shows erased")
    func tamperedAndStripped() throws {
        let ts = try DailyUseTests.caseNode()
        try ts.act("US", ["case", "offer", "--case", "MX-2015-0001", "--occurred", "2015-04-03", "--offer", "a visit by the consul"])
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/b.bundle"]).status == 0)
        let lines = String(decoding: try Self.plain(ts.dir + "/b.bundle"), as: UTF8.self).components(separatedBy: "\n")
        let marker = try #require(lines.firstIndex(of: "amparo-bundle/v3 words"))
        func write(_ lines: [String], _ name: String) throws -> String {
            let path = ts.dir + "/" + name
            try Data(try ZstdCompressor.compress(Array(lines.joined(separator: "\n").utf8))).write(to: URL(fileURLWithPath: path))
            return path
        }
        let receiver = try Receiver("tamper", ts: ts)
        let before = try receiver.run(["checkpoint"]).stdout
        let digest = { try Self.files(receiver.dir + "/ledger").map { $0.0 + ":" + String($0.1.count) }.sorted() }
        let filesBefore = try digest()
        // The words changed (same length, still canonical JSON): refused, one line, nothing written.
        var changed = lines
        let i = try #require(changed.indices.first { $0 > marker && changed[$0].contains("a visit by the consul") })
        changed[i] = changed[i].replacingOccurrences(of: "a visit by the consul", with: "a visit by the CONSUL")
        for path in [try write(changed, "changed.bundle")] {
            let r = try receiver.run(["bundle", "import", path])
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.contains("do not match the commitment the signed event holds"), "\(r.stderr)")
            #expect(try receiver.run(["checkpoint"]).stdout == before)
            #expect(try digest() == filesBefore)
        }
        // A part moved to another field, a part of an event the bundle does not carry, a part that
        // is not one: refused.
        var moved = lines
        moved[i] = moved[i].replacingOccurrences(of: "\"field\":\"offer\"", with: "\"field\":\"reason\"")
        var stranger = lines
        stranger[i] = stranger[i].replacingOccurrences(of: #""event":""#, with: #""event":"0"#).replacingOccurrences(of: #""event":"0"#, with: #""event":"a"#)
        var junk = lines
        junk[i] = #"{"text":"x"}"#
        for (name, bundle, says) in [
            ("moved", moved, "do not match the commitment"), ("stranger", stranger, "not a words part"), ("junk", junk, "not a words part"),
        ] {
            let r = try receiver.run(["bundle", "import", try write(bundle, name + ".bundle")])
            #expect(r.status == 2, "\(name): \(r.stderr)")
            #expect(r.stderr.contains(says), "\(name): \(r.stderr)")
            #expect(try receiver.run(["checkpoint"]).stdout == before)
        }
        // Without the words section the bundle still verifies and imports; the words are erased here.
        let stripped = try write(Array(lines[..<marker]), "stripped.bundle")
        let values = lines.filter { $0.hasPrefix("{\"actor\"") }.reduce(0) { $0 + $1.components(separatedBy: "hmac-sha256:").count - 1 }
        #expect(
            try receiver.run(["bundle", "inspect", ts.dir + "/b.bundle"]).stdout.contains(
                "free-text values: \(values) in the events; words carried for \(values)"))
        #expect(try receiver.run(["bundle", "inspect", stripped]).stdout.contains("free-text values: \(values) in the events; words carried for 0"))
        #expect(try receiver.run(["bundle", "verify", stripped]).status == 0)
        let r = try receiver.run(["bundle", "import", stripped])
        #expect(r.status == 0, "\(r.stderr)")
        let show = try receiver.run(["case", "show", "--case", "MX-2015-0001"]).stdout
        #expect(show.contains("offer: [erased]") && show.contains("protection required: [erased]"), "\(show)")
        // The words arrive later with the full bundle, checked against the commitments held.
        #expect(try receiver.run(["bundle", "import", ts.dir + "/b.bundle"]).status == 0)
        #expect(try receiver.run(["case", "show", "--case", "MX-2015-0001"]).stdout.contains("offer: a visit by the consul"))
    }

    @Test("a bundle whose event holds free text in the clear (signed by a node that does not seal) is refused whole, nothing written")
    func clearTextRefused() throws {
        let ts = try DailyUseTests.caseNode()
        // A node that does not seal: the event appended through the library, past the write path.
        let log = try EventLog.open(path: ts.dir + "/ledger")
        let key = try SigningKey.load(path: ts.dir + "/US.pem", name: "US")
        let registered = try #require(try log.keyRegistry(verifySignatures: false).binding(forPublicKey: key.verifierKey.publicKey))
        let event = Envelope(
            id: .v7(), type: "case.collaboration_offered", caseID: "MX-2015-0001", actor: "US", occurred: Timestamp(parsing: "2015-04-03T00:00:00Z")!,
            payload: ["offer": "Rosa Martinez will be visited"]
        ).signed(by: try key.renamed(registered.key.name))
        _ = try log.append([event])
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/clear.bundle"]).status == 0)
        let receiver = try Receiver("clear", ts: ts)
        let before = try receiver.run(["checkpoint"]).stdout
        let r = try receiver.run(["bundle", "import", ts.dir + "/clear.bundle"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.contains("payload field \"offer\" holds free text in the clear"), "\(r.stderr)")
        #expect(!r.stderr.contains("Rosa"))
        #expect(try receiver.run(["checkpoint"]).stdout == before)
        // The origin's own verify names it too: not a well-formed event of the catalog.
        #expect(try ts.run(["verify"]).status == 1)
    }

    @Test("the commitment hides the text: the same words in two events are two commitments; recording a draft again with its id is a no-op")
    func hiding() throws {
        let ts = try DailyUseTests.caseNode()
        for day in ["2015-04-03", "2015-04-04"] {
            try ts.act("US", ["case", "offer", "--case", "MX-2015-0001", "--occurred", day, "--offer", "visit"])
        }
        let log = try JSONParser.parse(try ts.run(["log", "--case", "MX-2015-0001", "--format", "json"]).stdout)
        let offers = try #require(log.arrayValue?.filter { $0["type"]?.stringValue == "case.collaboration_offered" })
        let commitments = offers.compactMap { $0["payload"]?["offer"]?.stringValue }
        #expect(commitments.count == 2 && Set(commitments).count == 2)
        #expect(commitments.allSatisfy { Words.isCommitment($0) })
        // Neither is the hash of the words alone, nor of the words under an all-zero salt.
        for c in commitments {
            #expect(c != Words.commitment(salt: [UInt8](repeating: 0, count: 32), text: "visit"))
            var h = SHA256Context()
            h.update(Array("visit".utf8))
            #expect(!c.contains(h.finish().hex))
        }
        // The same draft, with its id, appended twice: the second is already held (same salts).
        let draft =
            #"{"id":"0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a59","type":"case.collaboration_offered","case":"MX-2015-0001","occurred":"2015-04-05T00:00:00Z","payload":{"offer":"visit"}}"#
        try TestSupport.write(draft + "\n", to: ts.dir + "/d.jsonl")
        let first = try ts.run(["append", ts.dir + "/d.jsonl", "--key", ts.dir + "/US.pem"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try ts.run(["append", ts.dir + "/d.jsonl", "--key", ts.dir + "/US.pem"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == first.stdout)
    }

    @Test("case redact refuses a field the event does not hold, another State's key, and a case never filed; nothing written")
    func redactRefusals() throws {
        let ts = try DailyUseTests.caseNode()
        let filing = try Self.seq(ts, "case.request_filed")
        let before = try ts.run(["checkpoint"]).stdout
        for (key, args, says) in [
            (
                "MX", ["--case", "MX-2015-0001", "--event", filing, "--fields", "summary"],
                "has no free-text field \"summary\" to erase (it holds protection_required)"
            ),
            ("US", ["--case", "MX-2015-0001", "--event", filing], "AUTHORITY"),
            ("MX", ["--case", "MX-2015-0009", "--event", filing], "no case MX-2015-0009"),
            ("MX", ["--case", "MX-2015-0001", "--event", "99999"], "no event at sequence 99999"),
        ] {
            let r = try ts.run(["case", "redact"] + args + ["--request", "R", "--occurred", "2015-05-01", "--key", ts.dir + "/\(key).pem"])
            #expect(r.status != 0, "\(args)")
            #expect(r.stderrLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains(says), "\(says): \(r.stderr)")
            #expect(try ts.run(["checkpoint"]).stdout == before)
        }
        // The Secretariat may erase words too; without --fields, every free-text field of the event.
        let r = try ts.run([
            "case", "redact", "--case", "MX-2015-0001", "--event", filing, "--request", "TS-1", "--occurred", "2015-05-01", "--key", ts.dir + "/RCM-TS.pem",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try ts.run(["case", "show", "--case", "MX-2015-0001"]).stdout.contains("protection required: [erased]"))
    }
}
