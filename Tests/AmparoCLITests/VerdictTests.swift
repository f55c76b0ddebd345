import Foundation
import Ledger
import TestSupport
import Testing

/// The seven verdicts of issue 9, each from a history through the built binary: the Agreement in
/// its own words.
@Suite("Verdicts in the Agreement's words", .serialized)
struct VerdictTests {
    typealias Node = EventCommandTests.Node

    /// A node with Mexico, the United States and Costa Rica as Parties, their networks and focal
    /// points, and one meeting scheduled. The Agreement's approval is recorded unless `inForce` is nil.
    static func network(
        inForce: (date: String, occurred: String)? = ("2015-01-15", "2015-01-15"),
        usOffices: [String] = ["BS:Nassau", "MX"], crOffices: [String] = ["BS", "US"]
    ) throws -> Node {
        let n = try Node()
        if let inForce {
            try n.act("RCM-TS", ["network", "in-force", "--occurred", inForce.occurred, "--date", inForce.date, "--text-version", "draft"])
        }
        for s in ["MX", "US", "CR"] { try n.act(s, ["network", "join", "--occurred", "2015-01-10", "--effective", "2015-01-10"]) }
        try n.act("MX", ["network", "declare-offices", "--occurred", "2015-01-10", "--office", "US:Washington", "--office", "CR"])
        try n.act("US", ["network", "declare-offices", "--occurred", "2015-01-10"] + usOffices.flatMap { ["--office", $0] })
        try n.act("CR", ["network", "declare-offices", "--occurred", "2015-01-10"] + crOffices.flatMap { ["--office", $0] })
        for s in ["MX", "US", "CR"] {
            try n.act(
                s,
                [
                    "network", "focal-point", "--occurred", "2015-01-11", "--office", "Consular Directorate", "--email", "fp@example.org", "--telephone",
                    "+1 000",
                ])
        }
        try n.act(
            "RCM-TS",
            [
                "meeting", "schedule", "--occurred", "2015-01-12", "--meeting", "2015-11-09-mexico-city", "--date", "2015-11-09", "--city", "Mexico City",
                "--country", "MX",
            ])
        return n
    }

    static func file(_ n: Node, occurred: String = "2015-04-01", city: String = "Nassau", extra: [String] = [], expect status: Int32 = 0) throws
        -> TestSupport.Result
    {
        let r = try n.run(
            [
                "case", "file", "--occurred", occurred, "--subject", "p-7f3a9c", "--location-country", "BS", "--location-city", city,
                "--category", "other", "--perpetrator", "civilian", "--channel", "consular_directorate",
                "--protection-required", "visit", "--key", n.dir + "/MX.pem",
            ] + extra)
        #expect(r.status == status, "\(r.stderr)")
        return r
    }

    /// Runs an act expected to be refused: exit 1, one line naming `rule` first, and nothing written.
    @discardableResult
    static func refused(_ n: Node, _ actor: String, _ args: [String], rule: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let before = try n.run(["checkpoint"]).stdout
        let r = try n.run(args + ["--key", n.dir + "/\(actor).pem"])
        #expect(r.status == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderrLines.count == 1, sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("amparo: refused: \(rule): "), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(try n.run(["checkpoint"]).stdout == before, sourceLocation: sourceLocation)
        return r.stderr
    }

    /// The rules `verify` reports, by event id.
    static func verdicts(_ n: Node) throws -> [String: [String]] {
        let json = try JSONParser.parse(try n.run(["verify", "--format", "json"]).stdout)
        var out: [String: [String]] = [:]
        for b in json["breaches"]?.arrayValue ?? [] { out[b["event"]?.stringValue ?? "-", default: []].append(b["rule"]?.stringValue ?? "?") }
        return out
    }

    static func lastEventID(_ n: Node) throws -> String {
        let log = try JSONParser.parse(try n.run(["log", "--format", "json"]).stdout).arrayValue ?? []
        return try #require(log.last?["id"]?.stringValue)
    }

    static let c = ["--case", "MX-2015-0001"]

    @Test("1. the requesting State recording the assisting State's acts in its own case: AUTHORITY, one verdict each, never recorded")
    func wrongActor() throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n)
        try n.act("RCM-TS", ["case", "notify"] + Self.c + ["--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select"] + Self.c + ["--occurred", "2015-04-03", "--state", "US"])
        try n.act("MX", ["case", "request"] + Self.c + ["--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "Embassy in Nassau"])
        let acts: [[String]] = [
            ["case", "offer"] + Self.c + ["--occurred", "2015-04-04", "--offer", "we help ourselves"],
            ["case", "agree"] + Self.c + [
                "--occurred", "2015-04-05", "--request-note", "NV-1", "--reply-note", "NV-2", "--scope", "consular_visit", "--procedures", "x",
            ],
            ["case", "act"] + Self.c + ["--occurred", "2015-04-06", "--kind", "consular_visit", "--details", "visit"],
            ["case", "claim"] + Self.c + ["--occurred", "2015-04-07", "--from", "MX", "--amount", "10.00", "--currency", "USD", "--purpose", "x"],
        ]
        for args in acts {
            let stderr = try VerdictTests.refused(n, "MX", args, rule: "AUTHORITY")
            #expect(!stderr.contains("(also"), "\(stderr)")
            #expect(stderr.contains("in its own case MX-2015-0001"), "\(stderr)")
            // Issue 21: an act its signer may not make is never recorded, not even with the flag.
            try VerdictTests.refused(n, "MX", args + ["--record-violations"], rule: "AUTHORITY")
        }
        #expect(try VerdictTests.verdicts(n).isEmpty)
    }

    @Test("1. a protection act by a State that is no longer a Party is ART7.2-PARTY, citing Art. 4's words")
    func actByNonParty() throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n)
        try n.act("RCM-TS", ["case", "notify"] + Self.c + ["--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select"] + Self.c + ["--occurred", "2015-04-03", "--state", "US"])
        try n.act("MX", ["case", "request"] + Self.c + ["--occurred", "2015-04-03", "--to", "US", "--note", "NV-1", "--mission", "Embassy in Nassau"])
        try n.act(
            "US",
            ["case", "agree"] + Self.c + [
                "--occurred", "2015-04-04", "--request-note", "NV-1", "--reply-note", "NV-2", "--scope", "consular_visit", "--procedures", "x",
            ])
        try n.act("US", ["network", "leave", "--occurred", "2015-04-05", "--effective", "2015-04-06"])
        // The day before the leaving takes effect, the act is lawful; on that day it is not.
        try n.act("US", ["case", "act"] + Self.c + ["--occurred", "2015-04-05T23:59:59Z", "--kind", "consular_visit", "--details", "visit"])
        let stderr = try VerdictTests.refused(
            n, "US", ["case", "act"] + Self.c + ["--occurred", "2015-04-06", "--kind", "consular_visit", "--details", "visit"], rule: "ART7.2-PARTY")
        #expect(
            stderr.contains(
                "Article 7.2, 4 (should): The United States recorded a consular visit in case MX-2015-0001 on 2015-04-06 while not a Party to the Agreement."))
    }

    @Test("2. Art. 9: the approval date counts, however late it was recorded; the day before it does not")
    func inForceRecordedLate() throws {
        // Approval of 2015-01-15 recorded on 2015-04-01: a case filed on 2015-03-02 is lawful.
        let n = try VerdictTests.network(inForce: ("2015-01-15", "2015-04-01"))
        let filed = try VerdictTests.file(n, occurred: "2015-03-02")
        #expect(filed.stdout.contains("MX-2015-0001"))
        #expect(try n.run(["verify"]).status == 0)
        // On the approval date itself: lawful. The day before: ART9-IN-FORCE, with a true sentence.
        _ = try VerdictTests.file(n, occurred: "2015-01-15")
        let before = try VerdictTests.refused(
            n, "MX",
            [
                "case", "file", "--occurred", "2015-01-14T23:59:59Z", "--subject", "p-7f3a9c", "--location-country", "BS",
                "--location-city", "Nassau", "--category", "other", "--perpetrator", "civilian",
                "--channel", "consular_directorate", "--protection-required", "visit",
            ], rule: "ART9-IN-FORCE")
        #expect(before.contains("before the Agreement entered into force on 2015-01-15"))

        // Recorded the other way round: the filing first (no approval in the ledger yet, and the
        // sentence says exactly that), then the approval; verify is then clean.
        let m = try VerdictTests.network(inForce: nil)
        let missing = try VerdictTests.refused(
            m, "MX",
            [
                "case", "file", "--occurred", "2015-03-02", "--subject", "p-7f3a9c", "--location-country", "BS",
                "--location-city", "Nassau", "--category", "other", "--perpetrator", "civilian",
                "--channel", "consular_directorate", "--protection-required", "visit",
            ], rule: "ART9-IN-FORCE")
        #expect(missing.contains("this ledger records no entry into force of the Agreement"))
        _ = try VerdictTests.file(m, occurred: "2015-03-02", extra: ["--record-violations"])
        #expect(try m.run(["verify"]).status == 1)
        try m.act("RCM-TS", ["network", "in-force", "--occurred", "2015-04-01", "--date", "2015-01-15", "--text-version", "draft"])
        let verify = try m.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test("2. a State is a Party from its effective date, however late its decision was recorded")
    func joinedRecordedLate() throws {
        let n = try VerdictTests.network()
        try n.act("MX", ["network", "leave", "--occurred", "2015-02-01", "--effective", "2015-02-01"])
        // Mexico rejoins from 2015-03-01, recorded on 2015-05-01: a filing of 2015-03-01 is lawful,
        // one of 2015-02-28 is not.
        _ = try VerdictTests.file(n, occurred: "2015-02-28", extra: ["--record-violations"])
        try n.act("MX", ["network", "join", "--occurred", "2015-05-01", "--effective", "2015-03-01"])
        _ = try VerdictTests.file(n, occurred: "2015-03-01")
        let found = try VerdictTests.verdicts(n)
        #expect(found.values.flatMap { $0 } == ["ART7.2-PARTY"], "\(found)")
    }

    @Test("3. Art. 8: a reimbursement claimed from a State that is neither the State of nationality nor IOM is ART8-COSTS")
    func claimFrom() throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n)
        try n.act("RCM-TS", ["case", "notify"] + Self.c + ["--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select"] + Self.c + ["--occurred", "2015-04-03", "--state", "US"])
        let claim = ["case", "claim"] + Self.c + ["--occurred", "2015-04-07", "--amount", "10.00", "--currency", "USD", "--purpose", "x"]
        let stderr = try VerdictTests.refused(n, "US", claim + ["--from", "CR"], rule: "ART8-COSTS")
        #expect(
            stderr.contains(
                "Article 8 (shall): The United States claimed on 2015-04-07 a reimbursement of 10.00 USD in case MX-2015-0001 from Costa Rica, not from IOM or Mexico."
            ))
        try n.act("US", claim + ["--from", "MX"])
        try n.act("US", claim + ["--from", "IOM"])
    }

    @Test("4. Art. 7.7: presenting at a meeting the ledger does not know is refused, and no sentence names it as held")
    func unknownMeeting() throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n)
        try n.act("RCM-TS", ["case", "notify"] + Self.c + ["--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "conclude"] + Self.c + ["--occurred", "2015-06-30", "--outcome", "no_collaborating_state", "--summary", "none could help"])
        try n.act("RCM-TS", ["meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US,CR"])
        let present =
            ["case", "present"] + Self.c + [
                "--occurred", "2015-11-10", "--meeting", "2015-10-15-san-jose", "--nature", "x",
                "--protection-required", "x", "--protection-provided", "x", "--provided-by", "US", "--lessons", "x",
            ]
        let stderr = try VerdictTests.refused(n, "MX", present, rule: "LIFECYCLE")
        #expect(stderr.contains("no meeting \"2015-10-15-san-jose\" was scheduled or held"))
        try n.act("MX", present + ["--record-violations"])
        let verify = try n.run(["verify"])
        #expect(verify.stdout.contains("did not present it at the next meeting of the Network, on 2015-11-09 in Mexico City."), "\(verify.stdout)")
        #expect(!verify.stdout.contains("presented later, at 2015-10-15-san-jose"))
    }

    @Test("5. Art. 5 ¶2: a selection is needed only where several Parties have missions, from the networks as they stood")
    func selectionWhereSeveral() throws {
        // The United States declared Nassau only; Costa Rica the whole of the Bahamas.
        let n = try VerdictTests.network()
        // In Freeport only Costa Rica has a mission: it may be asked without a selection.
        _ = try VerdictTests.file(n, city: "Freeport")
        try n.act("RCM-TS", ["case", "notify"] + Self.c + ["--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "request"] + Self.c + ["--occurred", "2015-04-04", "--to", "CR", "--note", "NV-1", "--mission", "Embassy in Nassau"])
        try n.act(
            "CR",
            ["case", "agree"] + Self.c + [
                "--occurred", "2015-04-05", "--request-note", "NV-1", "--reply-note", "NV-2", "--scope", "consular_visit", "--procedures", "x",
            ])
        try n.act("CR", ["case", "act"] + Self.c + ["--occurred", "2015-04-06", "--kind", "consular_visit", "--details", "visit"])
        // In Nassau both have one: the selection is required.
        _ = try VerdictTests.file(n, city: "Nassau")
        let request = [
            "case", "request", "--case", "MX-2015-0002", "--occurred", "2015-04-04", "--to", "US", "--note", "NV-3", "--mission", "Embassy in Nassau",
        ]
        let stderr = try VerdictTests.refused(n, "MX", request, rule: "ART5-SELECTION")
        #expect(stderr.contains("Article 5, paragraph 2 (shall)"))
        #expect(stderr.contains("several Parties have missions in Nassau, Bahamas (Costa Rica, United States)"))
        // Before Costa Rica's declaration reached Nassau it did not count: the networks as they stood.
        let m = try VerdictTests.network(crOffices: ["US"])
        _ = try VerdictTests.file(m, city: "Nassau")
        try m.act("MX", request.map { $0 == "MX-2015-0002" ? "MX-2015-0001" : $0 })
        try m.act("CR", ["network", "declare-offices", "--occurred", "2015-05-01", "--office", "BS", "--office", "US"])
        #expect(try m.run(["verify"]).status == 0)
        // Once a State is selected, a request to another is the breach wherever the migrant is.
        try n.act("MX", ["case", "select", "--case", "MX-2015-0002", "--occurred", "2015-04-03", "--state", "CR"])
        try VerdictTests.refused(n, "MX", request, rule: "ART5-SELECTION")
    }

    @Test(
        "6. Art. 5 ¶1: the Secretariat should be notified; protection before its acknowledgement is lawful, a conclusion without it is a breach that a later acknowledgement cures, never refused"
    )
    func notification() throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n)
        try n.act("MX", ["case", "select"] + Self.c + ["--occurred", "2015-04-03", "--state", "US"])
        try n.act("MX", ["case", "request"] + Self.c + ["--occurred", "2015-04-03", "--to", "US", "--note", "NV-1", "--mission", "Embassy in Nassau"])
        try n.act(
            "US",
            ["case", "agree"] + Self.c + [
                "--occurred", "2015-04-04", "--request-note", "NV-1", "--reply-note", "NV-2", "--scope", "consular_visit", "--procedures", "x",
            ])
        try n.act("US", ["case", "act"] + Self.c + ["--occurred", "2015-04-05", "--kind", "consular_visit", "--details", "visit"])
        let conclude = ["case", "conclude"] + Self.c + ["--occurred", "2015-06-30", "--outcome", "protected", "--summary", "safe"]
        // Mexico's node may not hold the Secretariat's acknowledgement yet: the conclusion is
        // recorded, with a note saying what is missing, and verify reports it until it comes.
        let concluded = try n.run(conclude + ["--key", n.dir + "/MX.pem"])
        #expect(concluded.status == 0, "\(concluded.stderr)")
        #expect(concluded.stderrLines.count == 1)
        #expect(
            concluded.stderr.hasPrefix(
                "amparo: note: recorded; ART5-SECRETARIAT until the missing act is recorded: Article 5, paragraph 1 (should): Mexico concluded case MX-2015-0001 on 2015-06-30 without the RCM Technical Secretariat having been notified of its request."
            ), "\(concluded.stderr)")
        let pending = try n.run(["verify", "--format", "json"])
        #expect(pending.status == 1)
        #expect(try JSONParser.parse(pending.stdout)["breaches"]?.arrayValue?.compactMap { $0["rule"]?.stringValue } == ["ART5-SECRETARIAT"])
        // An acknowledgement dated a second before the conclusion, recorded after it, cures it.
        try n.act("RCM-TS", ["case", "notify"] + Self.c + ["--occurred", "2015-06-29T23:59:59Z", "--acknowledgement", "TS-1"])
        #expect(try n.run(["verify"]).status == 0)
    }

    @Test("7. every rule cites the Article whose words it enforces, with their force, in verify, replay, case show and the docs")
    func articles() throws {
        // No declared network: Art. 7.6's duty, not Art. 7.3's.
        let n = try Node()
        try n.act("RCM-TS", ["network", "in-force", "--occurred", "2015-01-15", "--date", "2015-01-15", "--text-version", "draft"])
        try n.act("MX", ["network", "join", "--occurred", "2015-01-15", "--effective", "2015-01-15"])
        try n.act("MX", ["network", "focal-point", "--occurred", "2015-01-15", "--office", "x", "--email", "y", "--telephone", "z"])
        let stderr = try VerdictTests.refused(
            n, "MX",
            [
                "case", "file", "--occurred", "2015-04-01", "--subject", "p-7f3a9c", "--location-country", "BS",
                "--location-city", "Nassau", "--category", "other", "--perpetrator", "civilian",
                "--channel", "consular_directorate", "--protection-required", "visit",
            ], rule: "ART7.6-NETWORK")
        #expect(stderr.contains("Article 7.6 (should)"))
        #expect(!stderr.contains("ART7.3"))
        _ = try VerdictTests.file(n, extra: ["--record-violations"])
        let json = try JSONParser.parse(try n.run(["verify", "--format", "json"]).stdout)
        let breach = try #require(json["breaches"]?.arrayValue?.first)
        #expect(breach["rule"] == "ART7.6-NETWORK")
        #expect(breach["article"] == "7.6")
        #expect(breach["force"] == "should")
        #expect(try n.run(["verify"]).stdout.contains("Article 7.6 (should): Mexico filed case MX-2015-0001"))
        #expect(try n.run(["replay", "--case", "MX-2015-0001"]).stdout.contains("Article 7.6 (should)"))
        #expect(try n.run(["case", "show", "MX-2015-0001"]).stdout.contains("Article 7.6 (should)"))
        let show = try JSONParser.parse(try n.run(["case", "show", "MX-2015-0001", "--format", "json"]).stdout)
        #expect(show["breaches"]?.arrayValue?.first?["force"] == "should")
        // An integrity rule's force.
        let verifyText = try n.run(["catalog", "rules"]).stdout
        #expect(verifyText.contains("| `ART4-PRESENCE` | 3, 7.6 | should |"))
        #expect(verifyText.contains("| `ART6-PRIOR-REQUEST` | 6 | may not |"))
        #expect(verifyText.contains("| `LIFECYCLE` | - | integrity |"))
        #expect(verifyText.contains("Directive (EU) 2015/637"))
    }
}
