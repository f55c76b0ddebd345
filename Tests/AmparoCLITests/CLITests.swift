import Foundation
import Ledger
import TestSupport
import Testing

/// A ledger made through the built `amparo` binary, as a user would.
struct CLILedger {
    let dir: String
    var ledger: String { dir + "/ledger" }
    let mxKey: String

    init(name: String = "rcm.example/ts") throws {
        dir = try TestSupport.temporaryDirectory("cli")
        #expect(try TestSupport.run(["keys", "new", "--actor", "RCM-TS", "--out", dir + "/ts.pem"]).status == 0)
        let initResult = try TestSupport.run(["init", "--ledger", dir + "/ledger", "--name", name, "--secretariat-key", dir + "/ts.pem"])
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let mx = try TestSupport.run(["keys", "new", "--actor", "MX", "--out", dir + "/mx.pem"])
        mxKey = mx.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let reg = try amparo(["keys", "register", "--actor", "MX", "--public-key", mxKey, "--key", dir + "/ts.pem", "--valid-from", "2014-01-01"])
        #expect(reg.status == 0, "\(reg.stderr)")
        // A lawful network: the Agreement in force, Mexico a Party with its offices and focal point.
        let ts = #"{"type":"agreement.entered_into_force","occurred":"2015-01-15T00:00:00Z","payload":{"date":"2015-01-15","text_version":"draft"}}"#
        #expect(try amparo(["append", "--key", dir + "/ts.pem"], stdin: ts).status == 0)
        let mxSetup = [
            #"{"type":"state.joined_agreement","occurred":"2015-02-01T00:00:00Z","payload":{"effective":"2015-02-01"}}"#,
            #"{"type":"state.consular_network_declared","occurred":"2015-02-01T00:00:00Z","payload":{"offices":[{"country":"US"},{"country":"CR"}]}}"#,
            focalPoint("Dirección General de Protección"),
        ].joined(separator: "\n")
        let setup = try amparo(["append", "--key", dir + "/mx.pem"], stdin: mxSetup)
        #expect(setup.status == 0, "\(setup.stderr)")
    }

    /// Events before any test's own: genesis, registration, 4 network events.
    static let setupEvents = 6

    func amparo(_ args: [String], stdin: String? = nil) throws -> TestSupport.Result {
        try TestSupport.run(args + ["--ledger", ledger], stdin: stdin)
    }

    /// Everything a user can observe of the ledger's content, and the data file's bytes.
    func snapshot() throws -> [String] {
        let log = try amparo(["log", "--format", "json"])
        let checkpoint = try amparo(["checkpoint"])
        let data = TestSupport.contents(ledger + "/data.mdb") ?? []
        return [log.stdout, checkpoint.stdout, String(data.hashValue)]
    }
}

/// A lawful network event by Mexico: (re)designating its focal point. `office` can carry a marker.
func focalPoint(_ office: String, id: String? = nil, occurred: String = "2015-02-01T00:00:00Z") -> String {
    let idField = id.map { "\"id\":\"\($0)\"," } ?? ""
    return
        "{\(idField)\"type\":\"state.focal_point_designated\",\"occurred\":\"\(occurred)\",\"payload\":{\"office\":\"\(office)\",\"email\":\"fp@sre.example\",\"telephone\":\"+52 55 0000 0000\"}}"
}

/// A lawful draft: with `caseID`, Mexico files that case (a national in Nicaragua); otherwise a
/// focal-point designation. `type` other than the default gives a case event of that type.
func draft(_ type: String = "case.request_filed", id: String? = nil, caseID: String = "MX-2015-0001", occurred: String = "2015-04-01T10:00:00Z") -> String {
    let idField = id.map { "\"id\":\"\($0)\"," } ?? ""
    let payload: String
    switch type {
    case "case.request_filed":
        payload =
            #"{"subject":"p-7f3a9c","location_country":"NI","location_city":"Managua","category":"labour_exploitation","perpetrator":"civilian","channel":"consular_directorate","protection_required":"consular visit"}"#
    case "case.circulated":
        payload = #"{"focal_points":["US","CR"]}"#
    case "case.withdrawn":
        payload = #"{"reason":"the migrant returned"}"#
    default:
        payload = "{}"
    }
    return "{\(idField)\"type\":\"\(type)\",\"case\":\"\(caseID)\",\"occurred\":\"\(occurred)\",\"payload\":\(payload)}"
}

@Suite("amparo end to end", .serialized)
struct CLITests {
    @Test("init, register, append, log, checkpoint, prove, verify: the happy path")
    func happyPath() throws {
        let l = try CLILedger()
        let input = [draft(id: "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51"), draft("case.circulated")].joined(separator: "\n") + "\n"
        let append = try l.amparo(["append", "--key", l.dir + "/mx.pem", "-"], stdin: input)
        #expect(append.status == 0, "\(append.stderr)")
        let first = CLILedger.setupEvents + 1
        #expect(append.stdoutLines == ["\(first)", "\(first + 1)"])
        let again = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft(id: "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51"))
        #expect(again.stdoutLines == ["\(first)"])
        let log = try l.amparo(["log", "--case", "MX-2015-0001"])
        #expect(log.stdoutLines.count == 3)
        #expect(log.stdoutLines[1].contains("case.request_filed"))
        let json = try JSONParser.parse(try l.amparo(["log", "--format", "json", "--from", "\(first - 1)"]).stdout)
        #expect(json.arrayValue?.map { $0["seq"]?.integerValue } == [Int64(first - 1), Int64(first), Int64(first + 1)])
        #expect(json.arrayValue?[1]["actor"] == "MX")
        let checkpoint = try l.amparo(["checkpoint"])
        #expect(checkpoint.stdout.hasPrefix("rcm.example/ts\n\(first + 1)\n"))
        let verify = try l.amparo(["verify", "--format", "json"])
        #expect(verify.status == 0)
        let report = try JSONParser.parse(verify.stdout)
        #expect(report["ok"] == true)
        #expect(report["events"] == .number(Double(first + 1)))
        #expect(report["ledger"] == "rcm.example/ts")
        #expect(report["breaches"] == [])
        try TestSupport.write(checkpoint.stdout, to: l.dir + "/held")
        #expect(try l.amparo(["verify", "--checkpoint", l.dir + "/held"]).status == 0)
    }

    @Test("proofs printed by `prove` are accepted by `verify --proof`, and a changed one is not")
    func proofs() throws {
        let l = try CLILedger()
        let drafts = (0..<9).map { focalPoint("office \($0)") }.joined(separator: "\n")
        #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: drafts).status == 0)
        let held = try l.amparo(["checkpoint"]).stdout
        try TestSupport.write(held, to: l.dir + "/held")
        #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: drafts).status == 0)
        let inclusion = try l.amparo(["prove", "inclusion", "7"])
        #expect(inclusion.stdout.hasPrefix("c2sp.org/tlog-proof@v1\nindex 6\n"))
        let held11 = CLILedger.setupEvents + 9
        try TestSupport.write(inclusion.stdout, to: l.dir + "/inc")
        #expect(try l.amparo(["verify", "--proof", l.dir + "/inc"]).status == 0)
        let consistency = try l.amparo(["prove", "consistency", "--from", "\(held11)"])
        try TestSupport.write(consistency.stdout, to: l.dir + "/cons")
        let ok = try l.amparo(["verify", "--proof", l.dir + "/cons", "--checkpoint", l.dir + "/held"])
        #expect(ok.status == 0, "\(ok.stdout) \(ok.stderr)")
        // Change one proof hash: the proof no longer verifies (exit 1, INTEGRITY).
        var lines = inclusion.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = Array(lines[2]).first == "A" ? "B" + lines[2].dropFirst() : "A" + lines[2].dropFirst()
        try TestSupport.write(lines.joined(separator: "\n"), to: l.dir + "/bad")
        let bad = try l.amparo(["verify", "--proof", l.dir + "/bad", "--format", "json"])
        #expect(bad.status == 1)
        #expect(try JSONParser.parse(bad.stdout)["breaches"]?.arrayValue?.first?["rule"] == "INTEGRITY")
    }

    static let badDrafts: [(String, String, String)] = [
        ("{\"type\":\"case.request_filed\"", "stdin line 1: malformed JSON", "malformed JSON"),
        (
            "\n\n" + draft().replacingOccurrences(of: "\"payload\"", with: "\"actor\":\"MX\",\"payload\""), "stdin line 3: unknown field \"actor\"",
            "unknown field"
        ),
        (draft().replacingOccurrences(of: "2015-04-01T10:00:00Z", with: "yesterday"), "stdin line 1: \"occurred\"", "bad time"),
        (draft().replacingOccurrences(of: "case.request_filed", with: "Filed"), "stdin line 1: \"type\"", "bad type"),
        ("[1,2]", "stdin line 1: a draft is a JSON object", "not an object"),
        (draft() + "\n" + draft(id: "not-a-uuid"), "stdin line 2: \"id\"", "bad id"),
        ("", "holds no drafts", "empty input"),
    ]

    @Test("malformed drafts: one line on stderr naming the line, exit 2, ledger unchanged", arguments: badDrafts)
    func badDraft(input: String, message: String, label: String) throws {
        let l = try CLILedger()
        let before = try l.snapshot()
        let r = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: input)
        #expect(r.status == 2, "\(label)")
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.contains(message), "\(label): \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try l.snapshot() == before)
    }

    @Test("key problems: missing, malformed, unregistered, revoked; exit 2, ledger unchanged")
    func badKeys() throws {
        let l = try CLILedger()
        try TestSupport.write("garbage", to: l.dir + "/garbage.pem")
        #expect(try TestSupport.run(["keys", "new", "--actor", "HN", "--out", l.dir + "/hn.pem"]).status == 0)
        let cases: [(String, String)] = [
            (l.dir + "/missing.pem", "cannot read key file"), (l.dir + "/garbage.pem", "not a PKCS#8 PEM private key"),
            (l.dir + "/hn.pem", "is not registered in this ledger"),
        ]
        for (key, message) in cases {
            let before = try l.snapshot()
            let r = try l.amparo(["append", "--key", key], stdin: draft())
            #expect(r.status == 2)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(try l.snapshot() == before)
        }
        let revoke = try l.amparo(["keys", "revoke", "--actor", "MX", "--public-key", l.mxKey, "--key", l.dir + "/ts.pem", "--at", "2016-01-01"])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let before = try l.snapshot()
        let r = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft(caseID: "MX-2016-0001", occurred: "2016-03-01T00:00:00Z"))
        #expect(r.status == 2)
        #expect(r.stderr.contains("revoked at 2016-01-01T00:00:00Z"), "\(r.stderr)")
        #expect(try l.snapshot() == before)
        // An MX key cannot register keys.
        let reg = try l.amparo(["keys", "register", "--actor", "HN", "--public-key", l.mxKey, "--key", l.dir + "/mx.pem"])
        #expect(reg.status == 2)
    }

    @Test("a different event under a known id is refused as equivocation naming both; ledger unchanged")
    func equivocation() throws {
        let l = try CLILedger()
        let id = "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51"
        #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: draft(id: id)).status == 0)
        let before = try l.snapshot()
        let r = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("x") + "\n" + draft("case.withdrawn", id: id))
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.contains("line 2: equivocation refused: event \(id)"))
        #expect(r.stderr.contains("sequence \(CLILedger.setupEvents + 1)"))
        #expect(try l.snapshot() == before)
        // Two drafts of one batch under one id: the second is refused, naming the first.
        let twin = "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a99"
        let batch = try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("a", id: twin) + "\n" + focalPoint("b", id: twin))
        #expect(batch.status == 2)
        #expect(batch.stderr.contains("line 2: equivocation refused: event \(twin) differs from line 1"), "\(batch.stderr)")
        #expect(try l.snapshot() == before)
    }

    @Test("a directory that is not a ledger, and usage errors, exit 2 with one line")
    func notALedgerAndUsage() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        for args in [["log", "--ledger", dir], ["verify", "--ledger", dir + "/nope"], ["checkpoint"]] {
            let r = try TestSupport.run(args, directory: dir)
            #expect(r.status == 2)
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.contains("amparo init"), "\(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        let unknown = try TestSupport.run(["append", "--bogus"])
        #expect(unknown.status == 2)
        #expect(unknown.stderrLines.count == 1)
        #expect(unknown.stderr.contains("--help"))
        let help = try TestSupport.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("verify"))
        let l = try CLILedger()
        let again = try TestSupport.run(["init", "--ledger", l.ledger, "--name", "x", "--secretariat-key", l.dir + "/ts.pem"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already holds a ledger"))
    }

    @Test("AMPARO_LEDGER is the default ledger")
    func environmentDefault() throws {
        let l = try CLILedger()
        let r = try TestSupport.run(["checkpoint"], environment: ["AMPARO_LEDGER": l.ledger])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("rcm.example/ts\n\(CLILedger.setupEvents)\n"))
    }

    @Test("a ministry node initialised with only the Secretariat's verifier key trusts it and is empty")
    func ministryNode() throws {
        let dir = try TestSupport.temporaryDirectory("cli")
        let vkey = try TestSupport.run(["keys", "new", "--actor", "RCM-TS", "--out", dir + "/ts.pem"]).stdout
        try TestSupport.write(vkey, to: dir + "/ts.vkey")
        let r = try TestSupport.run(["init", "--ledger", dir + "/mx", "--name", "mx.example/node", "--secretariat-key", dir + "/ts.vkey"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ministry node"))
        let cp = try TestSupport.run(["checkpoint", "--ledger", dir + "/mx"])
        #expect(cp.stdout.hasPrefix("mx.example/node\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"))
        #expect(try TestSupport.run(["verify", "--ledger", dir + "/mx"]).status == 0)
    }

    @Test("one byte flipped inside data.mdb makes verify report INTEGRITY at that event's sequence")
    func byteFlip() throws {
        let l = try CLILedger()
        let marker = "FLIPME-0123456789"
        var drafts: [String] = []
        for i in 0..<8 {
            drafts.append(focalPoint(i == 5 ? marker : "note-\(i)-abcdefghijk", occurred: "2015-05-0\(i + 1)T00:00:00Z"))
        }
        #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: drafts.joined(separator: "\n")).status == 0)
        #expect(try l.amparo(["verify"]).status == 0)
        let path = l.ledger + "/data.mdb"
        var bytes = try #require(TestSupport.contents(path))
        let needle = Array(marker.utf8)
        // LMDB is copy-on-write: stale copies of a page may linger in free pages. Flip the byte in
        // every copy, so the live one is surely changed.
        var offsets: [Int] = []
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) {
                offsets.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        #expect(!offsets.isEmpty)
        for offset in offsets { bytes[offset + 7] ^= 0x01 }  // "0" becomes "1": still valid JSON, different bytes
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try l.amparo(["verify", "--format", "json"])
        #expect(r.status == 1)
        let breaches = try #require(try JSONParser.parse(r.stdout)["breaches"]?.arrayValue)
        #expect(breaches.count == 1)
        #expect(breaches.first?["rule"] == "INTEGRITY")
        #expect(breaches.first?["seq"] == .number(Double(CLILedger.setupEvents + 6)))  // the sixth draft
        let text = try l.amparo(["verify"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("INTEGRITY seq \(CLILedger.setupEvents + 6)"))
    }

    @Test("a full disk (file size limit) refuses the batch with one line, and the ledger stays as it was")
    func diskFull() throws {
        let l = try CLILedger()
        let before = try l.snapshot()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: l.ledger + "/data.mdb")[.size] as? Int)
        let big = (0..<3000).map { i in focalPoint("office \(i) " + String(repeating: "p", count: 300)) }.joined(separator: "\n")
        try TestSupport.write(big, to: l.dir + "/big.jsonl")
        let limitBlocks = size / 1024 + 64  // ulimit -f counts 1 KiB blocks: room for ~64 KiB more
        let script = "ulimit -f \(limitBlocks); exec \"$0\" \"$@\""
        let r = try TestSupport.runExecutable(
            "/bin/bash",
            [
                "-c", script, TestSupport.productsDirectory + "/amparo",
                "append", "--ledger", l.ledger, "--key", l.dir + "/mx.pem", l.dir + "/big.jsonl",
            ])
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.contains("disk"), "\(r.stderr)")
        #expect(try l.snapshot()[0...1] == before[0...1])
        #expect(try l.amparo(["verify"]).status == 0)
    }

    @Test("SIGKILL in the middle of appending leaves a ledger that verifies, with every acknowledged batch")
    func crash() throws {
        let l = try CLILedger()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.productsDirectory + "/amparo-crash-appender")
        process.arguments = [l.ledger, l.dir + "/mx.pem", "100000", "50"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var acked: [String] = []
        var lastSeq: UInt64 = 0
        var buffer = Data()
        while acked.count < 50 * 40 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                let words = line.split(separator: " ")
                lastSeq = UInt64(words[1])!
                acked += words.dropFirst(2).map(String.init)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let verify = try l.amparo(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        let log = try JSONParser.parse(try l.amparo(["log", "--format", "json"]).stdout).arrayValue ?? []
        #expect(UInt64(log.count) >= lastSeq)
        let held = Set(log.compactMap { $0["id"]?.stringValue })
        #expect(acked.allSatisfy { held.contains($0) })
        #expect(acked.count >= 50 * 40)
    }
}
