import Agreement
import Foundation
import Ledger
import Projections
import TestSupport
import Testing

/// Every event command, end to end from the built binary, on a lawful history.
@Suite("amparo case / network / meeting commands", .serialized)
struct EventCommandTests {
    struct Node {
        let dir: String
        init() throws {
            dir = try TestSupport.temporaryDirectory("events")
            #expect(try TestSupport.run(["keys", "new", "--actor", "RCM-TS", "--out", dir + "/RCM-TS.pem"]).status == 0)
            #expect(try run(["init", "--name", "rcm.example/ts", "--secretariat-key", dir + "/RCM-TS.pem"]).status == 0)
            for actor in ["MX", "US", "CR", "IOM"] {
                let vkey = try TestSupport.run(["keys", "new", "--actor", actor, "--out", dir + "/\(actor).pem"]).stdout
                let r = try run([
                    "keys", "register", "--actor", actor, "--public-key", vkey.trimmingCharacters(in: .whitespacesAndNewlines),
                    "--key", dir + "/RCM-TS.pem", "--valid-from", "2014-01-01",
                ])
                #expect(r.status == 0, "\(r.stderr)")
            }
        }

        func run(_ args: [String]) throws -> TestSupport.Result {
            try TestSupport.run(args, environment: ["AMPARO_LEDGER": dir + "/ledger"])
        }

        /// Runs an event command as `actor` and expects success; returns stdout.
        @discardableResult
        func act(_ actor: String, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let r = try run(args + ["--key", dir + "/\(actor).pem"])
            #expect(r.status == 0, "\(args.prefix(2)): \(r.stderr)", sourceLocation: sourceLocation)
            return r.stdout
        }
    }

    @Test("every catalog row with a command has exactly its command, with the row's summary and flags, and no other event command exists")
    func commandsFromCatalog() throws {
        var listed: [String: Set<String>] = [:]
        for group in ["case", "network", "meeting", "person"] {
            let help = try TestSupport.run([group, "--help"]).stdout
            // The SUBCOMMANDS section: one name per line, indented two spaces.
            let section = (help.components(separatedBy: "SUBCOMMANDS:").last ?? "").components(separatedBy: "\n\n").first ?? ""
            let names = section.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let first = line.split(separator: " ").first else { return nil }
                return String(first)
            }
            listed[group] = Set(names.filter { !["show", "list", "set", "help"].contains($0) && !$0.hasPrefix("-") })
        }
        var expected: [String: Set<String>] = [:]
        for spec in Catalog.specs { if let c = spec.command { expected[c.group, default: []].insert(c.name) } }
        #expect(listed == expected)
        for spec in Catalog.specs {
            guard let c = spec.command else { continue }
            let help = try TestSupport.run([c.group, c.name, "--help"])
            #expect(help.status == 0)
            let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(text.contains("Records \(spec.name)") || text.contains("record \(spec.name)"), "\(c.group) \(c.name)")
            for field in spec.fields where field.kind != .offices {
                #expect(text.contains("--" + field.name.replacingOccurrences(of: "_", with: "-")), "\(c.group) \(c.name): \(field.name)")
            }
        }
    }

    @Test("a whole lawful history through the commands verifies clean")
    func everyCommand() throws {
        let n = try Node()
        try n.act("RCM-TS", ["network", "in-force", "--occurred", "2015-01-15", "--date", "2015-01-15", "--text-version", "draft"])
        for s in ["MX", "US", "CR"] { try n.act(s, ["network", "join", "--occurred", "2015-02-01", "--effective", "2015-02-01"]) }
        try n.act("MX", ["network", "declare-offices", "--occurred", "2015-02-01", "--office", "US:Washington", "--office", "CR"])
        try n.act("US", ["network", "declare-offices", "--occurred", "2015-02-01", "--office", "BS:Nassau", "--office", "MX"])
        try n.act("CR", ["network", "declare-offices", "--occurred", "2015-02-01", "--office", "BS", "--office", "US"])
        for s in ["MX", "US", "CR"] {
            try n.act(
                s,
                [
                    "network", "focal-point", "--occurred", "2015-02-02", "--office", "Consular Directorate", "--email", "fp@example.org", "--telephone",
                    "+1 000",
                ])
        }
        try n.act(
            "RCM-TS",
            [
                "meeting", "schedule", "--occurred", "2015-03-01", "--meeting", "2015-11-09-mexico-city", "--date", "2015-11-09", "--city", "Mexico City",
                "--country", "MX",
            ])
        let filed = try n.act(
            "MX",
            [
                "case", "file", "--occurred", "2015-04-01", "--subject", "p-7f3a9c", "--location-country", "BS", "--location-city", "Nassau",
                "--category", "domestic_violence", "--perpetrator", "civilian", "--channel", "consular_directorate",
                "--protection-required", "shelter referral", "--sex", "female", "--age-group", "18-59", "--disability",
            ])
        #expect(filed.contains("MX-2015-0001  status filed"))
        let c = ["--case", "MX-2015-0001"]
        try n.act("RCM-TS", ["case", "notify"] + c + ["--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "circulate"] + c + ["--occurred", "2015-04-02", "--focal-points", "US", "--focal-points", "CR"])
        try n.act("CR", ["case", "decline"] + c + ["--occurred", "2015-04-03", "--reason", "no capacity"])
        try n.act("US", ["case", "offer"] + c + ["--occurred", "2015-04-03", "--offer", "embassy visit"])
        try n.act("MX", ["case", "select"] + c + ["--occurred", "2015-04-03", "--state", "US"])
        try n.act("MX", ["case", "request"] + c + ["--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "Embassy in Nassau"])
        try n.act(
            "US",
            ["case", "agree"] + c + [
                "--occurred", "2015-04-05", "--request-note", "NV-1", "--reply-note", "NV-2",
                "--scope", "shelter_referral,legal_orientation", "--procedures", "weekly",
            ])
        try n.act("US", ["case", "act"] + c + ["--occurred", "2015-04-06", "--kind", "shelter_referral", "--details", "referred to a shelter"])
        try n.act(
            "IOM", ["case", "cost"] + c + ["--occurred", "2015-04-07", "--payer", "IOM", "--amount", "200.00", "--currency", "USD", "--purpose", "shelter"])
        try n.act(
            "US", ["case", "claim"] + c + ["--occurred", "2015-04-08", "--from", "MX", "--amount", "80.00", "--currency", "USD", "--purpose", "transport"])
        let log = try JSONParser.parse(try n.run(["log", "--case", "MX-2015-0001", "--format", "json"]).stdout).arrayValue ?? []
        let claim = try #require(log.first { $0["type"] == "case.reimbursement_claimed" }?["id"]?.stringValue)
        try n.act("MX", ["case", "reimburse"] + c + ["--occurred", "2015-05-08", "--claim", claim, "--amount", "80.00", "--currency", "USD"])
        let firstEvent = try #require(log.first?["id"]?.stringValue)
        try n.act(
            "MX",
            ["case", "correct"] + c + [
                "--occurred", "2015-05-09", "--event", firstEvent, "--fields", #"{"location_city":"Freeport"}"#, "--reason", "misrecorded city",
            ])
        try n.act("MX", ["case", "conclude"] + c + ["--occurred", "2015-06-30", "--outcome", "protected", "--summary", "safe"])
        try n.act(
            "RCM-TS",
            ["meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US,CR", "--observers", "IOM"])
        let presented = try n.act(
            "MX",
            ["case", "present"] + c + [
                "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--nature", "domestic violence",
                "--protection-required", "shelter", "--protection-provided", "shelter referral",
                "--provided-by", "US", "--lessons", "fast answers",
            ])
        #expect(presented.contains("status presented"))
        try n.act("MX", ["person", "erase", "MX-2015-0001", "--occurred", "2016-01-10", "--request", "ERASE-1"])
        // A second case, withdrawn; then Costa Rica leaves.
        let second = try n.act(
            "MX",
            [
                "case", "file", "--occurred", "2016-02-01", "--subject", "p-0b12de", "--location-country", "BS", "--location-city", "Freeport",
                "--category", "other", "--perpetrator", "civilian", "--channel", "local_authorities",
                "--exception-reason", "no consular office reachable during the hurricane", "--protection-required", "documentation",
            ])
        #expect(second.contains("MX-2016-0001"))
        try n.act("MX", ["case", "withdraw", "--case", "MX-2016-0001", "--occurred", "2016-02-03", "--reason", "returned home"])
        try n.act("CR", ["network", "leave", "--occurred", "2017-01-01", "--effective", "2017-01-01"])
        let verify = try n.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        let show = try n.run(["case", "show", "MX-2015-0001", "--format", "json"])
        let json = try JSONParser.parse(show.stdout)
        #expect(json["status"] == "presented")
        #expect(json["obligations"] == [])
        #expect(json["events"]?.arrayValue?.count == 16)
        let replay = try n.run(["replay", "--case", "MX-2015-0001"])
        #expect(replay.stdout.hasSuffix("no breaches\n"))
        // The projections took the judge's fold of each touched case (issue 24: a case is folded
        // once per append): they are what a rebuild from the events gives, byte for byte.
        try Self.expectProjectionsAsRebuilt(n)
    }

    /// The case list and the workload as the projections hold them, then after `amparo rebuild`:
    /// equal.
    /// Each meeting's report too: its breaches are the stored findings of its cases.
    /// `withMeetings`: the ledger holds meetings (every view then has content).
    static func expectProjectionsAsRebuilt(_ n: Node, withMeetings: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let meetings = try JSONParser.parse(try n.run(["meeting", "list", "--format", "json"]).stdout).arrayValue ?? []
        let reports = meetings.compactMap { $0["id"]?.stringValue }.map { ["report", "meeting", $0, "--format", "json"] }
        #expect(reports.isEmpty != withMeetings, sourceLocation: sourceLocation)
        let views = [["cases", "--format", "json"], ["workload", "--format", "json"], ["meeting", "list", "--format", "json"]] + reports
        let before = try views.map { try n.run($0).stdout }
        // Every case's stored findings, as the appends' catch-ups left them (the write path gives
        // them the events it read and the new acts with their sequence numbers).
        func findings() throws -> [ProjectionStore.Row] {
            try ProjectionStore(log: try EventLog.open(path: n.dir + "/ledger", readOnly: true)).findingsRows()
        }
        let stored = try findings()
        #expect(try n.run(["rebuild", "--quiet"]).status == 0, sourceLocation: sourceLocation)
        let after = try views.map { try n.run($0).stdout }
        #expect(before == after, sourceLocation: sourceLocation)
        #expect(try findings() == stored, "the stored findings differ from a rebuild's", sourceLocation: sourceLocation)
        #expect(!stored.isEmpty, sourceLocation: sourceLocation)
        #expect(before.allSatisfy { $0.count > 10 } || !withMeetings, sourceLocation: sourceLocation)
    }

    @Test("a breaching act is refused with its sentence, exit 1, nothing written; --record-violations records it and verify reports it")
    func refusal() throws {
        let n = try Node()
        try n.act("RCM-TS", ["network", "in-force", "--occurred", "2015-01-15", "--date", "2015-01-15", "--text-version", "draft"])
        try n.act("MX", ["network", "join", "--occurred", "2015-02-01", "--effective", "2015-02-01"])
        try n.act("MX", ["network", "focal-point", "--occurred", "2015-02-01", "--office", "x", "--email", "y", "--telephone", "z"])
        try n.act("MX", ["network", "declare-offices", "--occurred", "2015-02-01", "--office", "CR"])
        let args = [
            "case", "file", "--occurred", "2015-04-01", "--subject", "p-7f3a9c", "--location-country", "CR", "--location-city", "San José",
            "--category", "other", "--perpetrator", "state_authority", "--channel", "consular_directorate",
            "--protection-required", "x", "--key", n.dir + "/MX.pem",
        ]
        let before = try n.run(["checkpoint"]).stdout
        let refused = try n.run(args)
        #expect(refused.status == 1)
        #expect(refused.stderrLines.count == 1)
        #expect(
            refused.stderr.contains(
                "Article 7.3 (should): Mexico filed case MX-2015-0001 on 2015-04-01 for a national in San José, Costa Rica, where it declared an office of its own."
            ))
        #expect(refused.stderr.contains("ART7.4-CIVILIAN"))
        #expect(try n.run(["checkpoint"]).stdout == before)
        let recorded = try n.run(args + ["--record-violations"])
        #expect(recorded.status == 0)
        #expect(recorded.stderr.contains("recorded despite ART7.3-UNREPRESENTED"))
        let verify = try n.run(["verify", "--format", "json"])
        #expect(verify.status == 1)
        let rules = (try JSONParser.parse(verify.stdout)["breaches"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue }
        #expect(Set(rules) == ["ART7.3-UNREPRESENTED", "ART7.4-CIVILIAN"])
        let only = try n.run(["verify", "--case", "MX-2015-0001"])
        #expect(only.stdout.contains("case MX-2015-0001:"))
        // The act recorded despite its breach is in the case's stored findings, as a rebuild has
        // it; so it stays after a later act in the case (judged after it, with it).
        try Self.expectProjectionsAsRebuilt(n, withMeetings: false)
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try Self.expectProjectionsAsRebuilt(n, withMeetings: false)
        // Flag errors are usage errors: exit 2, one line.
        let badFlag = try n.run(["case", "act", "--case", "MX-2015-0001", "--kind", "teleport", "--details", "x", "--key", n.dir + "/MX.pem"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.contains("--kind: expected one of"), "\(badFlag.stderr)")
        let unknown = try n.run(["case", "notify", "--case", "MX-2015-0001", "--colour", "red", "--key", n.dir + "/RCM-TS.pem"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown option --colour"))
        let noCase = try n.run(["case", "notify", "--acknowledgement", "x", "--key", n.dir + "/RCM-TS.pem"])
        #expect(noCase.status == 2)
        #expect(noCase.stderrLines.count == 1)
    }
}
