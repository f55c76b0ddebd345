import Foundation
import L10n
import Ledger
import Testing

@testable import Agreement

/// One row per rule: a history that breaches it, the rule id expected, and the act it is reported on.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let rule: String
    let build: @Sendable () -> History
    /// The event type (and actor) the first breach is reported on.
    let type: String
    let actor: String?
    let last: Bool
    var testDescription: String { rule }

    init(_ rule: String, on type: String, actor: String? = nil, last: Bool = false, _ build: @escaping @Sendable () -> History) {
        self.rule = rule
        self.type = type
        self.actor = actor
        self.last = last
        self.build = build
    }
}

func variant(network: History = .network(), _ change: (inout History.CaseOptions) -> Void = { _ in }) -> History {
    var h = network
    var o = History.CaseOptions()
    change(&o)
    h.lawfulCase(o)
    return h
}

@Suite("The Agreement's rules")
struct RuleTests {
    @Test("a complete lawful lifecycle verifies clean and ends presented")
    func lawful() {
        let h = variant()
        #expect(h.breaches.isEmpty, "\(h.breaches.map(\.message))")
        let s = h.world.cases["MX-2015-0001"]!
        #expect(s.status == .presented)
        #expect(s.assisting == "US")
        #expect(s.obligations(network: h.world.network, now: Timestamp(parsing: "2016-01-01")!).isEmpty)
    }

    static let cases: [RuleCase] = [
        RuleCase("AUTHORITY", on: "case.circulated") { variant { $0.circulator = "US" } },
        RuleCase("LIFECYCLE", on: "case.protection_action_recorded", actor: "US", last: true) { variant { $0.actAfterConclusion = true } },
        RuleCase("ART9-IN-FORCE", on: "case.request_filed") { variant(network: .network(inForce: "2015-05-01")) },
        RuleCase("ART7.1-NATIONALITY", on: "case.request_filed") {
            variant {
                $0.caseID = "CO-2015-0001"
                $0.filer = "CO"
            }
        },
        RuleCase("ART7.2-PARTY", on: "case.request_filed") { variant(network: .network(mxLeaves: "2015-03-01")) },
        RuleCase("ART7.3-UNREPRESENTED", on: "case.request_filed") { variant { $0.location = "ES" } },
        RuleCase("ART7.4-CIVILIAN", on: "case.request_filed") { variant { $0.perpetrator = "state_authority" } },
        RuleCase("ART7.5-CHANNEL", on: "case.request_filed") { variant { $0.channel = "local_authorities" } },
        RuleCase("ART7.6-FOCAL-POINT", on: "case.collaboration_offered") { variant(network: .network(usFocalPoint: false)) },
        RuleCase("ART7.6-NETWORK", on: "case.request_filed") { variant(network: .network(mxDeclares: false)) },
        RuleCase("ART5-SECRETARIAT", on: "case.concluded") { variant { $0.notify = false } },
        RuleCase("ART5-SELECTION", on: "case.formal_request_sent") { variant { $0.selected = "CR" } },
        RuleCase("ART4-PRESENCE", on: "case.collaboration_offered") { variant(network: .network(usOffices: ["MX", "CR"])) },
        RuleCase("ART6-PRIOR-REQUEST", on: "case.protection_action_recorded") { variant { $0.requestTo = nil } },
        RuleCase("ART5-SCOPE", on: "case.protection_action_recorded") { variant { $0.kind = "shelter_referral" } },
        RuleCase("ART8-COSTS", on: "case.cost_recorded") { variant { $0.payer = "CR" } },
        RuleCase("ART7.7-PRESENTATION", on: "case.concluded") { variant { $0.present = false } },
    ]

    @Test("each rule: the breaching history is reported with the rule id, Article, sequence and case", arguments: cases)
    func breach(_ row: RuleCase) throws {
        let h = row.build()
        let caseID = h.facts.first { $0.type == "case.request_filed" }!.caseID!
        let mine = h.breaches.filter { $0.rule == row.rule }
        let first = try #require(mine.first, "no \(row.rule) in \(h.breaches.map(\.rule))")
        // The sentence in Spanish has every placeholder filled; in English it is the message.
        let es = Localizer(.es)
        for b in h.breaches {
            let said = try #require(b.sentence, "\(b.rule) has no sentence")
            #expect(b.message.hasSuffix(said.english))
            let text = es.breach(b)
            #expect(!text.contains("⟦") && !text.contains("{") && text != b.message, "\(text)")
        }
        #expect(first.seq == h.seq(row.type, case: caseID, actor: row.actor, last: row.last))
        #expect(first.caseID == caseID)
        let rule = try #require(Rules.rule(row.rule))
        #expect(first.article == rule.article)
        #expect(first.force == rule.force.rawValue)
        if let article = first.article {
            // Prose spells the paragraph out: "5 ¶1" reads "Article 5, paragraph 1".
            let prose = article.replacingOccurrences(of: " ¶", with: ", paragraph ")
            #expect(first.message.hasPrefix("Article \(prose) (\(rule.force.rawValue)): "))
            #expect(!first.message.contains("¶"))
        }
        // The variant breaks this rule and no other.
        #expect(Set(h.breaches.map(\.rule)) == [row.rule], "\(h.breaches.map { "\($0.rule): \($0.message)" })")
    }

    @Test("the rule catalog has the ids and Articles of domain.md, in order")
    func catalog() {
        let ids: [String] = Rules.catalog.map(\.id.rawValue)
        let expected: [String] = [
            "INTEGRITY", "SIGNATURE", "AUTHORITY", "LIFECYCLE", "ART9-IN-FORCE", "ART7.1-NATIONALITY", "ART7.2-PARTY",
            "ART7.3-UNREPRESENTED", "ART7.4-CIVILIAN", "ART7.5-CHANNEL", "ART7.6-FOCAL-POINT", "ART7.6-NETWORK", "ART5-SECRETARIAT",
            "ART5-SELECTION", "ART4-PRESENCE", "ART6-PRIOR-REQUEST", "ART5-SCOPE", "ART8-COSTS", "ART7.7-PRESENTATION",
        ]
        #expect(ids == expected)
        #expect(RuleID.allCases.map(\.rawValue) == expected)
        #expect(Rules.rule("ART5-SELECTION")?.article == "5 ¶2")
        #expect(Rules.rule("ART4-PRESENCE")?.article == "3, 7.6")
        #expect(Rules.rule("LIFECYCLE")?.article == nil)
    }

    @Test("the verdict does not depend on the order events were recorded in")
    func recordingOrder() {
        let h = variant { $0.requestTo = nil }
        var shuffled = h
        shuffled.facts = h.facts.reversed().enumerated().map { i, f in
            Fact(
                seq: UInt64(i + 1), recorded: f.recorded,
                envelope: Envelope(id: f.id, type: f.type, caseID: f.caseID, actor: f.actor, occurred: f.occurred, payload: f.payload))
        }
        #expect(h.breaches.map(\.rule) == shuffled.breaches.map(\.rule))
        #expect(Set(h.breaches.compactMap(\.event)) == Set(shuffled.breaches.compactMap(\.event)))
    }

    @Test("a lawyer can read the sentence")
    func sentence() {
        let h = variant { $0.requestTo = nil }
        #expect(
            h.breaches.first?.message
                == "Article 6 (may not): The United States recorded a consular visit on 2015-04-06 before Mexico sent it a formal request note.")
    }

    @Test("an event recorded as occurring after it was recorded is LIFECYCLE")
    func future() {
        var h = History.network()
        let envelope = Envelope(
            id: .v7(), type: "state.focal_point_designated", caseID: nil, actor: "MX",
            occurred: Timestamp(parsing: "2015-06-01")!, payload: ["office": "x", "email": "y", "telephone": "z"])
        h.facts.append(Fact(seq: 99, recorded: Timestamp(parsing: "2015-05-01")!, envelope: envelope))
        #expect(h.breaches.map(\.rule) == ["LIFECYCLE"])
    }
}
