import Agreement
import Foundation
import Ledger
import Projections
import Scenario
import Service
import TestSupport
import Testing

/// The committed scenario in Fixtures/scenario.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/scenario").path

    static func lines() throws -> [[UInt8]] {
        let data = try #require(TestSupport.contents(directory + "/events.jsonl"))
        return data.split(separator: 0x0A).map(Array.init)
    }

    /// (rule, event, case) of every planted breach, as the generator wrote them.
    static func expected() throws -> Set<[String]> {
        let json = try JSONParser.parse(try #require(TestSupport.contents(directory + "/expected-breaches.json")))
        return Set(
            try #require(json["breaches"]?.arrayValue).map { b in
                [b["rule"]!.stringValue!, b["event"]!.stringValue!, b["case"]!.stringValue!]
            })
    }
}

@Suite("The committed scenario", .serialized)
struct ScenarioTests {
    @Test("the fixture is exactly what the generator writes (same bytes, same expectations)")
    func reproducible() throws {
        var generated: [[UInt8]] = []
        var words: [[UInt8]] = []
        let expected = try ScenarioGenerator(cases: 40).generateWithWords({ event, parts in
            generated.append(event.bytes)
            words += parts.map { CanonicalJSON.encode($0.json) }
        })
        #expect(generated == (try Fixture.lines()))
        let fixtureWords = try #require(TestSupport.contents(Fixture.directory + "/words.jsonl")).split(separator: 0x0A).map(Array.init)
        #expect(words == fixtureWords)
        // Every words part is the words of the commitment its event holds at its field.
        let events = Dictionary(
            try Fixture.lines().map {
                let e = try SignedEvent(bytes: $0)
                return (e.id, e)
            }
        ) { a, _ in a }
        for line in fixtureWords {
            let part = try WordsPart(line: line)
            #expect(events[part.event].flatMap { Words.value(at: part.field, in: $0.envelope.payload) } == .string(part.commitment))
        }
        #expect(Set(expected.map { [$0.rule.rawValue, $0.event, $0.caseID] }) == (try Fixture.expected()))
    }

    @Test("the scenario's data passes the personal-data screen: pseudonyms only, no e-mail, telephone, document or birth date in its text")
    func passesTheScreen() throws {
        var screened = 0
        for line in try Fixture.lines() {
            let e = try SignedEvent(bytes: line).envelope
            guard let kind = EventType(name: e.type) else { continue }
            if let subject = e.payload["subject"]?.stringValue { #expect(Pseudonym.isValid(subject), "\(subject)") }
            #expect(PersonalDataScreen.findings(type: kind, payload: e.payload, terms: []).isEmpty, "\(e.type) \(e.caseID ?? ""): \(e.payload)")
            screened += e.caseID == nil ? 0 : 1
        }
        #expect(screened > 300)
        // And the words beside them.
        for line in try #require(TestSupport.contents(Fixture.directory + "/words.jsonl")).split(separator: 0x0A) {
            let part = try WordsPart(line: Array(line))
            #expect(PersonalDataScreen.findings(in: part.text, field: part.field, terms: []).isEmpty, "\(part.text)")
        }
    }

    @Test("the scenario covers every Member State, category, outcome, and the seeds' two meetings")
    func coverage() throws {
        let facts = try Fixture.lines().map { Fact(seq: nil, recorded: .now(), envelope: try SignedEvent(bytes: $0).envelope) }
        let filings = facts.filter { $0.type == "case.request_filed" }
        #expect(Set(filings.map(\.actor)).count >= 9)
        #expect(Set(filings.compactMap { $0.payload["category"]?.stringValue }) == Set(Codes.categories))
        let outcomes = Set(facts.filter { $0.type == "case.concluded" }.compactMap { $0.payload["outcome"]?.stringValue })
        #expect(outcomes.isSuperset(of: ["protected", "referred", "no_collaborating_state"]))
        let held = Set(facts.filter { $0.type == "meeting.held" }.compactMap { $0.payload["meeting"]?.stringValue })
        #expect(held.isSuperset(of: ["2014-11-24-managua", "2015-11-09-mexico-city"]))
        #expect(Set(facts.filter { $0.type == "state.joined_agreement" }.map(\.actor)) == Set(Codes.memberStates))
        #expect(facts.count >= 300)
    }

    @Test("verify over the committed scenario reports exactly the breaches the generator planted")
    func verifyFindsThePlantedBreaches() throws {
        let dir = try TestSupport.temporaryDirectory("scenario")
        let log = try EventLog.create(
            path: dir + "/L", name: ScenarioKeys.ledgerName,
            secretariat: .privateKey(ScenarioKeys.key(Codes.secretariat))
        ).log
        _ = try log.append(try Fixture.lines().map { try SignedEvent(bytes: $0) })
        let report = try Audit.verify(log)
        let found = Set(report.breaches.map { [$0.rule, $0.event ?? "", $0.caseID ?? ""] })
        #expect(found == (try Fixture.expected()))
        #expect(report.breaches.count == found.count)
        #expect(report.breaches.allSatisfy { $0.seq != nil && $0.message.count > 40 })
    }

    @Test("`amparo demo` builds the demo ledger and `amparo verify` over it exits 1 with the planted breaches")
    func demoEndToEnd() throws {
        let dir = try TestSupport.temporaryDirectory("demo")
        let demo = try TestSupport.run(["demo", "--ledger", dir + "/demo"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("40 cases"))
        #expect(FileManager.default.fileExists(atPath: dir + "/demo/test-keys/MX.pem"))
        let verify = try TestSupport.run(["verify", "--ledger", dir + "/demo", "--format", "json"])
        #expect(verify.status == 1)
        let json = try JSONParser.parse(verify.stdout)
        let found = Set(
            (json["breaches"]?.arrayValue ?? []).map { b in
                [b["rule"]?.stringValue ?? "", b["event"]?.stringValue ?? "", b["case"]?.stringValue ?? ""]
            })
        #expect(found == (try Fixture.expected()))
        // Running it again replaces the ledger.
        #expect(try TestSupport.run(["demo", "--ledger", dir + "/demo", "--cases", "5"]).status == 0)
        let again = try JSONParser.parse(try TestSupport.run(["log", "--ledger", dir + "/demo", "--format", "json"]).stdout)
        #expect((again.arrayValue?.count ?? 0) < 200)
        // A directory that is not a ledger is never replaced.
        try TestSupport.write("precious", to: dir + "/notes.txt")
        let refused = try TestSupport.run(["demo", "--ledger", dir])
        #expect(refused.status == 2)
        #expect(FileManager.default.fileExists(atPath: dir + "/notes.txt"))
    }
}
