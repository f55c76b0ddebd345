import Foundation
import Ledger
import TestSupport
import Testing

/// Issue 11: personal data off the log, encrypted per case, erasable, never exported; each
/// through the built binary.
@Suite("Personal data (issue 11)")
struct PrivacyTests {
    typealias Node = EventCommandTests.Node

    /// A network with Mexico's case MX-2015-0001 filed.
    static func caseNode() throws -> Node { try DailyUseTests.caseNode() }

    static let name = "Zyxwvuta Quixotiqua Brandolini"

    /// Writes a vault entry for MX-2015-0001 holding ``name``.
    static func plant(_ n: Node) throws {
        let entry = n.dir + "/person.json"
        try TestSupport.write(
            #"{"names":["\#(name)"],"birth_date":"1990-03-03","documents":[{"type":"passport","number":"Q7654321"}],"contacts":["+52 55 8765 4321"]}"#,
            to: entry)
        let r = try n.run(["person", "set", "MX-2015-0001", "--from", entry, "--key", n.dir + "/MX.pem"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("a subject that is not a pseudonym is exit 2 and writes nothing; case file makes one when --subject is omitted")
    func pseudonym() throws {
        let n = try VerdictTests.network()
        let before = try n.run(["checkpoint"]).stdout
        let named = try VerdictTests.file(n, extra: ["--subject", "Juan Pérez García"], expect: 2)
        #expect(named.stderr.contains("--subject: expected a pseudonym"), "\(named.stderr)")
        #expect(!named.stderr.contains("Pérez"))
        #expect(try n.run(["checkpoint"]).stdout == before)
        for bad in ["p-12345", "p-ABCDEF", "x-7f3a9c", "p-" + String(repeating: "a", count: 33)] {
            #expect(try VerdictTests.file(n, extra: ["--subject", bad], expect: 2).stderr.contains("expected a pseudonym"), "\(bad)")
        }
        let r = try n.run([
            "case", "file", "--occurred", "2015-04-01", "--location-country", "BS", "--location-city", "Nassau", "--category", "other",
            "--perpetrator", "civilian", "--channel", "consular_directorate", "--protection-required", "visit", "--key", n.dir + "/MX.pem",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let log = try JSONParser.parse(try n.run(["log", "--case", "MX-2015-0001", "--format", "json"]).stdout)
        let subject = log.arrayValue?.first?["payload"]?["subject"]?.stringValue ?? ""
        #expect(subject.range(of: "^p-[0-9a-f]{12}$", options: .regularExpression) != nil, "\(subject)")
    }

    @Test("free text holding an e-mail, a telephone, a document number or a birth date is exit 2, naming the flag and the kind, never the data")
    func screen() throws {
        let n = try Self.caseNode()
        let before = try n.run(["checkpoint"]).stdout
        for (text, kind, secret) in [
            ("write to ana.lopez@example.com", "an e-mail address", "ana.lopez"), ("call +1 242 555 0100", "a telephone number", "555 0100"),
            ("passport G1234567 renewed", "an identity-document number", "G1234567"), ("born on 3 March 1990", "a date of birth", "1990"),
        ] {
            let r = try n.run([
                "case", "act", "--case", "MX-2015-0001", "--occurred", "2015-04-06", "--kind", "consular_visit", "--details", text,
                "--key", n.dir + "/US.pem", "--record-violations",
            ])
            #expect(r.status == 2, "\(text)")
            #expect(r.stderrLines.count == 1)
            #expect(r.stderr.contains("--details holds \(kind); personal data never enters the log"), "\(r.stderr)")
            #expect(!r.stderr.contains(secret), "echoes \(secret)")
        }
        // Drafts too, naming the line.
        let drafts = n.dir + "/drafts.jsonl"
        try TestSupport.write(
            #"{"type":"case.concluded","case":"MX-2015-0001","occurred":"2015-06-30","payload":{"outcome":"protected","summary":"wrote to ana@example.org"}}"#
                + "\n", to: drafts)
        let appended = try n.run(["append", "--key", n.dir + "/MX.pem", drafts])
        #expect(appended.status == 2)
        #expect(
            appended.stderr.contains("line 1: case.concluded of case MX-2015-0001: payload field \"summary\" holds an e-mail address"), "\(appended.stderr)")
        #expect(try n.run(["checkpoint"]).stdout == before)
    }

    @Test("the vault: set and show by the requesting State only, the master key outside the ledger (0600), its words screened out of the case's text")
    func vault() throws {
        let n = try Self.caseNode()
        try Self.plant(n)
        let key = n.dir + "/ledger.master-key"
        var info = stat()
        #expect(stat(key, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let shown = try n.run(["person", "show", "MX-2015-0001", "--key", n.dir + "/MX.pem"])
        #expect(shown.status == 0 && shown.stdout.contains(Self.name))
        let other = try n.run(["person", "show", "MX-2015-0001", "--key", n.dir + "/US.pem"])
        #expect(other.status == 2 && other.stderr.contains("kept by Mexico, its requesting State"), "\(other.stderr)")
        let unknown = try n.run(["person", "set", "MX-2015-0009", "--from", n.dir + "/person.json", "--key", n.dir + "/MX.pem"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no case MX-2015-0009"), "\(unknown.stderr)")
        let inside = try n.run(["person", "show", "MX-2015-0001", "--key", n.dir + "/MX.pem", "--master-key", n.dir + "/ledger/k"])
        #expect(inside.status == 2 && inside.stderr.contains("inside the ledger directory"), "\(inside.stderr)")
        let wrong = try n.run(["person", "show", "MX-2015-0001", "--key", n.dir + "/MX.pem", "--master-key", n.dir + "/none"])
        #expect(wrong.status == 2 && wrong.stderr.contains("no vault master key"), "\(wrong.stderr)")
        // A surname alone, in another case of nobody else, is still this case's person.
        let r = try n.run([
            "case", "act", "--case", "MX-2015-0001", "--occurred", "2015-04-06", "--kind", "consular_visit", "--details", "met Mr BRANDOLINI at the shelter",
            "--key", n.dir + "/US.pem",
        ])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--details holds personal data of this case held in the vault"), "\(r.stderr)")
        #expect(!r.stderr.lowercased().contains("brandolini"))
    }

    @Test("erasure destroys the entry and its sealed key, records the erasure, and leaves no byte of them in any file of the ledger directory")
    func erasure() throws {
        let n = try Self.caseNode()
        try Self.plant(n)
        let file = n.dir + "/ledger/vault/MX-2015-0001.vault"
        let sealed = try #require(TestSupport.contents(file))
        let before = try n.run(["verify"])
        let r = try n.run(["person", "erase", "MX-2015-0001", "--request", "MX-ERASE-1", "--occurred", "2015-05-01", "--key", n.dir + "/MX.pem"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains(
                "erased the personal data of MX-2015-0001 and its key, and the words of the case's free text recorded until now; recorded case.personal_data_erased"
            ))
        #expect(!FileManager.default.fileExists(atPath: file))
        // Enough appends that LMDB reuses its free pages; then scan every file.
        for i in 0..<30 {
            try n.act(
                "MX", ["network", "focal-point", "--occurred", "2015-05-02", "--office", "office \(i)", "--email", "fp@sre.example", "--telephone", "+52 1"])
        }
        let needles = [Array(Self.name.utf8), Array("Q7654321".utf8), Array(sealed[15..<75]), Array(sealed[75...])]
        for path in try FileManager.default.subpathsOfDirectory(atPath: n.dir + "/ledger") {
            guard let bytes = TestSupport.contents(n.dir + "/ledger/" + path) else { continue }
            for needle in needles { #expect(bytes.firstRange(of: needle) == nil, "\(path) holds erased bytes") }
        }
        let after = try n.run(["verify"])
        #expect(before.status == 0 && after.status == 0)
        let log = try n.run(["log", "--case", "MX-2015-0001"]).stdout
        #expect(log.contains("case.personal_data_erased"))
        let again = try n.run(["person", "show", "MX-2015-0001", "--key", n.dir + "/MX.pem"])
        #expect(again.status == 2 && again.stderr.contains("holds no personal data of MX-2015-0001"))
    }

    @Test("an erasure the write path refuses (a future date, a wrong key) destroys nothing: the entry and the log stay as they were")
    func refusedErasureKeepsTheEntry() throws {
        let n = try Self.caseNode()
        try Self.plant(n)
        let before = try n.run(["checkpoint"]).stdout
        let future = try n.run(["person", "erase", "MX-2015-0001", "--request", "R", "--occurred", "2099-01-01", "--key", n.dir + "/MX.pem"])
        #expect(future.status == 2 && future.stderr.contains("in the future"), "\(future.stderr)")
        let other = try n.run(["person", "erase", "MX-2015-0001", "--request", "R", "--key", n.dir + "/US.pem"])
        #expect(other.status == 2)
        #expect(try n.run(["checkpoint"]).stdout == before)
        #expect(try n.run(["person", "show", "MX-2015-0001", "--key", n.dir + "/MX.pem"]).stdout.contains(Self.name))
    }

    @Test("no output of any command, and no bundle, holds what the vault holds")
    func neverExported() throws {
        let n = try Self.caseNode()
        try Self.plant(n)
        try n.act("RCM-TS", ["meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US,CR"])
        #expect(try n.run(["bundle", "export", "--key", n.dir + "/RCM-TS.pem", "--out", n.dir + "/b.zst"]).status == 0)
        let unpacked = try TestSupport.runExecutable("/usr/bin/zstd", ["-d", "-c", n.dir + "/b.zst"])
        #expect(unpacked.status == 0 && unpacked.stdout.contains("MX-2015-0001"))
        var outputs = [unpacked.stdout]
        for args in [
            ["log"], ["log", "--format", "json"], ["cases"], ["cases", "--format", "json"], ["cases", "--format", "csv"], ["replay", "MX-2015-0001"],
            ["replay", "MX-2015-0001", "--format", "json"], ["case", "show", "MX-2015-0001"], ["case", "show", "MX-2015-0001", "--format", "json"],
            ["verify"], ["verify", "--format", "json"], ["workload"], ["workload", "--format", "json"], ["workload", "--format", "csv"],
            ["workload", "--format", "md"], ["report", "meeting", "2015-11-09-mexico-city"],
            ["report", "meeting", "2015-11-09-mexico-city", "--format", "html"], ["report", "meeting", "2015-11-09-mexico-city", "--format", "json"],
            ["meeting", "list"], ["bundle", "inspect", n.dir + "/b.zst"], ["peers"], ["keys", "list"], ["checkpoint"],
        ] {
            let r = try n.run(args)
            outputs.append(r.stdout + r.stderr)
        }
        for (i, output) in outputs.enumerated() {
            for word in Self.name.split(separator: " ").map(String.init) + ["Q7654321", "8765 4321"] {
                #expect(!output.contains(word), "output \(i) holds \(word)")
            }
        }
    }

    @Test("a bundle whose free text holds this node's vault words is refused whole, nothing written")
    func importScreened() throws {
        let ts = try Self.caseNode()
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/b1.zst"]).status == 0)
        // Mexico's node: the Secretariat's public key only; the case arrives by bundle.
        let mx = try TestSupport.temporaryDirectory("mx-node")
        func onMX(_ args: [String]) throws -> TestSupport.Result { try TestSupport.run(args, environment: ["AMPARO_LEDGER": mx + "/ledger"]) }
        try TestSupport.write(
            try TestSupport.run(["keys", "show", "--key", ts.dir + "/RCM-TS.pem", "--actor", "RCM-TS"]).stdout, to: mx + "/ts.vkey")
        #expect(try onMX(["init", "--name", "sre.example/mx", "--secretariat-key", mx + "/ts.vkey"]).status == 0)
        #expect(try onMX(["bundle", "import", ts.dir + "/b1.zst"]).status == 0)
        try TestSupport.write(#"{"names":["\#(Self.name)"]}"#, to: mx + "/person.json")
        #expect(try onMX(["person", "set", "MX-2015-0001", "--from", mx + "/person.json", "--key", ts.dir + "/MX.pem"]).status == 0)
        // The Secretariat's node holds no vault entry of the case: the name passes there.
        try ts.act("US", ["case", "offer", "--case", "MX-2015-0001", "--occurred", "2015-04-03", "--offer", "a visit to Mr Quixotiqua"])
        #expect(try ts.run(["bundle", "export", "--key", ts.dir + "/RCM-TS.pem", "--out", ts.dir + "/b2.zst"]).status == 0)
        let before = try onMX(["checkpoint"]).stdout
        let r = try onMX(["bundle", "import", ts.dir + "/b2.zst"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the words of field \"offer\" hold personal data of this case held in the vault"), "\(r.stderr)")
        #expect(r.stderr.contains("the bundle was refused whole, nothing was written") && !r.stderr.contains("Quixotiqua"))
        #expect(try onMX(["checkpoint"]).stdout == before)
    }
}
