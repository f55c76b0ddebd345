import Ledger
import Testing

@testable import Agreement

/// Every rule at its boundaries: the day before, on and after each date it reads, and every
/// branch of its check. Each test names what a mutant of the rule would get wrong.
@Suite("The rules at their boundaries")
struct BoundaryTests {
    static let c = "MX-2015-0001"
    static let filing: [String: JSONValue] = [
        "subject": "p-7f3a9c", "location_country": "BS", "location_city": "Nassau", "category": "other",
        "perpetrator": "civilian", "channel": "consular_directorate", "protection_required": "visit",
    ]

    /// The network, then Mexico's filing at `time` with `change` applied to its payload.
    static func filed(
        _ network: History = .network(), at time: String = "2015-04-01T10:00:00Z",
        by filer: String = "MX", case caseID: String = c,
        _ change: (inout [String: JSONValue]) -> Void = { _ in }
    ) -> (History, UInt64) {
        var h = network
        var payload = filing
        change(&payload)
        let seq = h.at("case.request_filed", filer, case: caseID, time, payload)
        return (h, seq)
    }

    /// A filed case, notified, with the United States selected, asked and agreed for `scope`.
    static func agreed(_ network: History = .network(), scope: [String] = ["consular_visit"]) -> History {
        var (h, _) = filed(network)
        h.at("case.secretariat_notified", "RCM-TS", case: c, "2015-04-02T10:00:00Z", ["acknowledgement": "TS-1"])
        h.at("case.assisting_state_selected", "MX", case: c, "2015-04-03T10:00:00Z", ["state": "US"])
        h.at("case.formal_request_sent", "MX", case: c, "2015-04-04T10:00:00Z", ["to": "US", "note": "NV-1", "mission": "Embassy"])
        h.at(
            "case.scope_agreed", "US", case: c, "2015-04-05T10:00:00Z",
            ["request_note": "NV-1", "reply_note": "NV-2", "scope": .array(scope.map(JSONValue.string)), "procedures": "x"])
        return h
    }

    // MARK: Art. 9

    @Test("ART9: filed the instant before the approval date is a breach; at 00:00 of it and after is not")
    func inForce() {
        #expect(Self.filed(.network(inForce: "2015-04-02"), at: "2015-04-01T23:59:59Z").0.rules == ["ART9-IN-FORCE"])
        #expect(Self.filed(.network(inForce: "2015-04-01"), at: "2015-04-01T00:00:00Z").0.rules == [])
        #expect(Self.filed(.network(inForce: "2015-03-31"), at: "2015-04-01T10:00:00Z").0.rules == [])
    }

    @Test("ART9: no approval recorded says so; two approvals, the earliest counts; an approval recorded after the filing counts")
    func inForceRecords() throws {
        var none = History()
        for e in History.network().facts where e.type != "agreement.entered_into_force" { none.facts.append(e) }
        let (h, _) = Self.filed(none)
        let b = try #require(h.breaches.first)
        #expect(b.rule == "ART9-IN-FORCE")
        #expect(b.message.contains("records no entry into force"))
        var two = History.network(inForce: "2015-05-01")
        two.add("agreement.entered_into_force", "RCM-TS", "2015-06-01", ["date": "2015-03-01", "text_version": "v2"])
        #expect(Self.filed(two).0.rules == [])
        var late = History.network(inForce: "2015-05-01")
        late.facts.removeAll { $0.type == "agreement.entered_into_force" }
        var (lateCase, _) = Self.filed(late)
        lateCase.add("agreement.entered_into_force", "RCM-TS", "2015-06-01", ["date": "2015-01-15", "text_version": "draft"])
        #expect(lateCase.rules == [])
    }

    // MARK: Art. 7.1-7.5

    @Test("ART7.1: a Member State's national is lawful, another's is not")
    func nationality() {
        #expect(Self.filed(by: "CO", case: "CO-2015-0001").0.rules.contains("ART7.1-NATIONALITY"))
        #expect(!Self.filed().0.rules.contains("ART7.1-NATIONALITY"))
    }

    @Test("ART7.2: a Party from 00:00 of its effective date, and no longer from 00:00 of its leaving")
    func partyDates() {
        #expect(Self.filed(at: "2015-01-31T23:59:59Z").0.rules.contains("ART7.2-PARTY"))
        #expect(!Self.filed(at: "2015-02-01T00:00:00Z").0.rules.contains("ART7.2-PARTY"))
        #expect(!Self.filed(.network(mxLeaves: "2015-04-02"), at: "2015-04-01T23:59:59Z").0.rules.contains("ART7.2-PARTY"))
        #expect(Self.filed(.network(mxLeaves: "2015-04-01"), at: "2015-04-01T00:00:00Z").0.rules.contains("ART7.2-PARTY"))
        // Rejoining makes it a Party again from the new effective date.
        var back = History.network(mxLeaves: "2015-03-01")
        back.add("state.joined_agreement", "MX", "2015-03-10", ["effective": "2015-03-15"])
        #expect(Self.filed(back, at: "2015-03-14T23:59:59Z").0.rules.contains("ART7.2-PARTY"))
        #expect(!Self.filed(back, at: "2015-03-15T00:00:00Z").0.rules.contains("ART7.2-PARTY"))
    }

    @Test("ART7.2: Party changes count by their effective dates, not by the order they were recorded in")
    func partyOrder() {
        var h = History.network()
        h.facts.removeAll { $0.type == "state.joined_agreement" && $0.actor == "MX" }
        // The leaving (effective 2015-06-01) is recorded before the joining it follows (effective 2015-02-01).
        h.add("state.left_agreement", "MX", "2015-01-20", ["effective": "2015-06-01"])
        h.add("state.joined_agreement", "MX", "2015-01-25", ["effective": "2015-02-01"])
        #expect(!Self.filed(h, at: "2015-04-01T10:00:00Z").0.rules.contains("ART7.2-PARTY"))
        #expect(Self.filed(h, at: "2015-07-01T10:00:00Z").0.rules.contains("ART7.2-PARTY"))
    }

    @Test("ART7.2: the selected State, the State agreeing scope and the State acting must be Parties at the act")
    func partyAssisting() {
        // Panama is a Member State that never joined.
        var sel = Self.filed().0
        let s = sel.at("case.assisting_state_selected", "MX", case: Self.c, "2015-04-03T10:00:00Z", ["state": "PA"])
        #expect(sel.rules(at: s).contains("ART7.2-PARTY"))
        var leaves = Self.agreed()
        leaves.add("state.left_agreement", "US", "2015-04-06", ["effective": "2015-04-06"])
        let act = leaves.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        #expect(leaves.rules(at: act) == ["ART7.2-PARTY"])
        var scope = Self.filed().0
        scope.add("state.left_agreement", "US", "2015-04-02", ["effective": "2015-04-02"])
        scope.at("case.assisting_state_selected", "MX", case: Self.c, "2015-04-01T12:00:00Z", ["state": "US"])
        scope.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-01T13:00:00Z", ["to": "US", "note": "n", "mission": "m"])
        let agree = scope.at(
            "case.scope_agreed", "US", case: Self.c, "2015-04-05T10:00:00Z",
            ["request_note": "n", "reply_note": "r", "scope": ["consular_visit"], "procedures": "x"])
        #expect(scope.rules(at: agree) == ["ART7.2-PARTY"])
    }

    @Test("ART7.3: the migrant in the requesting State, or where it declared an office, is a breach; elsewhere not; no list is ART7.6-NETWORK's")
    func unrepresented() {
        #expect(Self.filed { $0["location_country"] = "MX" }.0.rules.contains("ART7.3-UNREPRESENTED"))
        #expect(Self.filed { $0["location_country"] = "ES" }.0.rules == ["ART7.3-UNREPRESENTED"])
        #expect(Self.filed().0.rules == [])
        #expect(Self.filed(.network(mxDeclares: false)).0.rules == ["ART7.6-NETWORK"])
        // A later declaration is not the one in force at filing.
        var later = History.network(mxDeclares: false)
        later.add("state.consular_network_declared", "MX", "2015-05-01", ["offices": [["country": "BS"]]])
        #expect(Self.filed(later).0.rules == ["ART7.6-NETWORK"])
        // Not checked for a State that is not a Member State (ART7.1 says so).
        #expect(!Self.filed(by: "CO", case: "CO-2015-0001").0.rules.contains("ART7.3-UNREPRESENTED"))
    }

    @Test("ART7.4: violations by State authorities, or a category not listed; every listed category is lawful")
    func civilian() {
        #expect(Self.filed { $0["perpetrator"] = "state_authority" }.0.rules == ["ART7.4-CIVILIAN"])
        #expect(Self.filed { $0["category"] = "trafficking" }.0.rules == ["ART7.4-CIVILIAN"])
        for category in Codes.categories {
            #expect(Self.filed { $0["category"] = .string(category) }.0.rules == [], "\(category)")
        }
    }

    @Test("ART7.5: local authorities need a stated exception; white space states none")
    func channel() {
        #expect(Self.filed { $0["channel"] = "local_authorities" }.0.rules == ["ART7.5-CHANNEL"])
        // White space is no exception: the write path refuses it before it is sealed (a signed
        // event holds only the commitment of the text, whose words the rule cannot read).
        #expect(Catalog.check(" \t", .words, draft: true) != nil)
        #expect(Catalog.check("hurricane", .words, draft: true) == nil)
        #expect(
            Self.filed {
                $0["channel"] = "local_authorities"
                $0["exception_reason"] = "hurricane"
            }.0.rules == [])
        #expect(Self.filed { $0["exception_reason"] = "hurricane" }.0.rules == [])
        // A node that does not seal may send white space in the clear (a malformed act a bundle
        // brings): that is LIFECYCLE's, and still no stated exception.
        var (h, seq) = Self.filed { $0["channel"] = "local_authorities" }
        h.facts[Int(seq) - 1].payload["exception_reason"] = " \t"
        #expect(h.rules(at: seq) == ["LIFECYCLE", "ART7.5-CHANNEL"])
        h.facts[Int(seq) - 1].payload["exception_reason"] = "hurricane"
        #expect(h.rules(at: seq) == ["LIFECYCLE"])
    }

    // MARK: Art. 7.6

    @Test("ART7.6-FOCAL-POINT: judged against the designations made before the act")
    func focalPoint() {
        var h = Self.filed(.network(usFocalPoint: false)).0
        let early = h.at("case.collaboration_offered", "US", case: Self.c, "2015-04-03T10:00:00Z", ["offer": "x"])
        h.at("state.focal_point_designated", "US", "2015-04-04T10:00:00Z", ["office": "x", "email": "y", "telephone": "z"])
        let late = h.at("case.collaboration_offered", "US", case: Self.c, "2015-04-04T10:00:01Z", ["offer": "x"])
        #expect(h.rules(at: early) == ["ART7.6-FOCAL-POINT"])
        #expect(h.rules(at: late) == [])
    }

    // MARK: Art. 5

    @Test("ART5-SECRETARIAT: acts before the acknowledgement are lawful; a conclusion with none before it is not; a withdrawal needs none")
    func secretariat() {
        var h = Self.filed().0
        h.at("case.assisting_state_selected", "MX", case: Self.c, "2015-04-03T10:00:00Z", ["state": "US"])
        h.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", ["to": "US", "note": "n", "mission": "m"])
        h.at(
            "case.scope_agreed", "US", case: Self.c, "2015-04-05T10:00:00Z",
            ["request_note": "n", "reply_note": "r", "scope": ["consular_visit"], "procedures": "x"])
        let act = h.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        #expect(h.rules(at: act) == [])
        var late = h
        late.at("case.secretariat_notified", "RCM-TS", case: Self.c, "2015-06-30T10:00:00Z", ["acknowledgement": "a"])
        let end = late.at("case.concluded", "MX", case: Self.c, "2015-06-30T10:00:01Z", ["outcome": "protected", "summary": "s"])
        #expect(late.rules(at: end) == [])
        var never = h
        let unnotified = never.at("case.concluded", "MX", case: Self.c, "2015-06-30T10:00:00Z", ["outcome": "protected", "summary": "s"])
        #expect(never.rules(at: unnotified) == ["ART5-SECRETARIAT"])
        var after = h
        let concluded = after.at("case.concluded", "MX", case: Self.c, "2015-06-30T10:00:00Z", ["outcome": "protected", "summary": "s"])
        after.at("case.secretariat_notified", "RCM-TS", case: Self.c, "2015-06-30T10:00:01Z", ["acknowledgement": "a"])
        #expect(after.rules(at: concluded) == ["ART5-SECRETARIAT"])
        var withdrawn = Self.filed().0
        let w = withdrawn.at("case.withdrawn", "MX", case: Self.c, "2015-04-02T10:00:00Z", ["reason": "r"])
        #expect(withdrawn.rules(at: w) == [])
    }

    @Test("ART5-SELECTION: required where several Parties have missions in the city, as the networks stood; not where one")
    func selection() {
        // US: Bahamas (any city), CR: Bahamas (any city): several in Nassau.
        let request: [String: JSONValue] = ["to": "US", "note": "n", "mission": "m"]
        var several = Self.filed(.network(usOffices: ["BS"])).0
        let r1 = several.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", request)
        #expect(several.rules(at: r1) == ["ART5-SELECTION"])
        // Costa Rica not in the Bahamas: the United States alone.
        var one = Self.filed(.network(usOffices: ["BS"], crOffices: ["US"])).0
        let r2 = one.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", request)
        #expect(one.rules(at: r2) == [])
        // Cities: Costa Rica declared only Freeport; the case is in NASSAU (case and accents folded).
        var cities = History.network(usOffices: ["BS"])
        cities.add("state.consular_network_declared", "CR", "2015-03-01", ["offices": [["country": "BS", "cities": ["Freeport"]]]])
        var inNassau = Self.filed(cities) { $0["location_city"] = "NASSAU" }.0
        let r3 = inNassau.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", request)
        #expect(inNassau.rules(at: r3) == [])
        var inFreeport = Self.filed(cities) { $0["location_city"] = "Fréeport" }.0
        inFreeport.add("state.consular_network_declared", "US", "2015-03-01", ["offices": [["country": "BS", "cities": ["freeport"]]]])
        let r4 = inFreeport.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", request)
        #expect(inFreeport.rules(at: r4) == ["ART5-SELECTION"])
        // A State with a mission that is no longer a Party does not count.
        var left = Self.filed(.network(usOffices: ["BS"])).0
        left.add("state.left_agreement", "CR", "2015-04-02", ["effective": "2015-04-02"])
        let r5 = left.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", request)
        #expect(left.rules(at: r5) == [])
    }

    @Test("the open obligations follow Art. 5 ¶2: a selection where several Parties have missions, the one Party otherwise")
    func obligations() {
        let now = Timestamp(parsing: "2015-05-01")!
        func next(_ h: History) -> [String] { h.world.cases[Self.c]!.obligations(network: h.world.network, now: now) }
        let several = Self.filed(.network(usOffices: ["BS"])).0
        #expect(next(several).contains("select the assisting State (Article 5, paragraph 2)"))
        let one = Self.filed(.network(usOffices: ["BS"], crOffices: ["US"])).0
        #expect(next(one).contains("send a formal request note to the United States (Art. 6)"))
        #expect(!next(one).contains("select the assisting State (Article 5, paragraph 2)"))
        let none = Self.filed(.network(usOffices: ["MX"], crOffices: ["US"])).0
        #expect(next(none).contains("find a Party that can assist (Art. 3, 7.6)"))
    }

    @Test("ART5-SELECTION: once selected, a request to, a scope by or an act by another State is the breach")
    func selectionMade() {
        var h = Self.agreed()
        let other = h.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-06T10:00:00Z", ["to": "CR", "note": "n", "mission": "m"])
        #expect(h.rules(at: other) == ["ART5-SELECTION"])
        let scope = h.at(
            "case.scope_agreed", "CR", case: Self.c, "2015-04-07T10:00:00Z",
            ["request_note": "n", "reply_note": "r", "scope": ["consular_visit"], "procedures": "x"])
        #expect(h.rules(at: scope) == ["ART5-SELECTION"])
        let act = h.at("case.protection_action_recorded", "CR", case: Self.c, "2015-04-08T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        #expect(h.rules(at: act) == ["ART5-SELECTION"])
        let mine = h.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-08T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        #expect(h.rules(at: mine) == [])
    }

    @Test("ART5-SCOPE: before any agreement, outside it, within it; another State's agreement does not count")
    func scope() {
        var h = Self.agreed(scope: ["consular_visit", "documentation"])
        let inside = h.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "documentation", "details": "x"])
        let outside = h.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T11:00:00Z", ["kind": "good_offices", "details": "x"])
        #expect(h.rules(at: inside) == [])
        #expect(h.rules(at: outside) == ["ART5-SCOPE"])
        var before = Self.filed().0
        before.at("case.secretariat_notified", "RCM-TS", case: Self.c, "2015-04-02T10:00:00Z", ["acknowledgement": "a"])
        before.at("case.assisting_state_selected", "MX", case: Self.c, "2015-04-03T10:00:00Z", ["state": "US"])
        before.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-04T10:00:00Z", ["to": "US", "note": "n", "mission": "m"])
        let early = before.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-05T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        before.at(
            "case.scope_agreed", "US", case: Self.c, "2015-04-05T10:00:01Z",
            ["request_note": "n", "reply_note": "r", "scope": ["consular_visit"], "procedures": "x"])
        #expect(before.rules(at: early) == ["ART5-SCOPE"])
    }

    // MARK: Art. 3 and 7.6 (ART4-PRESENCE)

    @Test("ART4-PRESENCE: the requesting State, the receiving State, or a State with no office there, at offer, selection and scope")
    func presence() {
        func sentence(_ h: History, _ seq: UInt64) -> String { h.breaches.first { $0.seq == seq && $0.rule == "ART4-PRESENCE" }?.message ?? "" }
        // Mexico selecting itself: the requesting State.
        var h = Self.filed().0
        let itself = h.at("case.assisting_state_selected", "MX", case: Self.c, "2015-04-03T10:00:00Z", ["state": "MX"])
        #expect(sentence(h, itself).contains("but is the requesting State itself"))
        // Costa Rica lists an office in Costa Rica: still the receiving State, where the migrant is.
        var receiving = Self.filed(.network(crOffices: ["US", "CR"])) { $0["location_country"] = "CR" }.0
        let cr = receiving.at("case.assisting_state_selected", "MX", case: Self.c, "2015-04-03T10:00:00Z", ["state": "CR"])
        #expect(sentence(receiving, cr).contains("but is the receiving State, where the migrant is"))
        var noOffice = Self.filed(.network(usOffices: ["MX"])).0
        let offer = noOffice.at("case.collaboration_offered", "US", case: Self.c, "2015-04-03T10:00:00Z", ["offer": "x"])
        #expect(noOffice.rules(at: offer) == ["ART4-PRESENCE"])
        #expect(sentence(noOffice, offer).contains("has declared no office in Bahamas"))
        var office = Self.filed().0
        let good = office.at("case.collaboration_offered", "US", case: Self.c, "2015-04-03T10:00:00Z", ["offer": "x"])
        #expect(office.rules(at: good) == [])
    }

    // MARK: Art. 6

    @Test("ART6: the note must be addressed to the acting State and sent before its act")
    func priorRequest() {
        var h = Self.filed().0
        h.at("case.secretariat_notified", "RCM-TS", case: Self.c, "2015-04-02T10:00:00Z", ["acknowledgement": "a"])
        h.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-03T10:00:00Z", ["to": "CR", "note": "n", "mission": "m"])
        h.at(
            "case.scope_agreed", "US", case: Self.c, "2015-04-05T10:00:00Z",
            ["request_note": "n", "reply_note": "r", "scope": ["consular_visit"], "procedures": "x"])
        let act = h.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        #expect(h.rules(at: act).contains("ART6-PRIOR-REQUEST"))
        var after = Self.agreed()
        after.facts.removeAll { $0.type == "case.formal_request_sent" }
        let early = after.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        after.at("case.formal_request_sent", "MX", case: Self.c, "2015-04-06T10:00:01Z", ["to": "US", "note": "n", "mission": "m"])
        #expect(after.rules(at: early) == ["ART6-PRIOR-REQUEST"])
        var lawful = Self.agreed()
        let ok = lawful.at("case.protection_action_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "consular_visit", "details": "x"])
        #expect(lawful.rules(at: ok) == [])
    }

    // MARK: Art. 8

    @Test("ART8: costs borne by and claims addressed to IOM or the State of nationality only")
    func costs() {
        for (who, lawful) in [("IOM", true), ("MX", true), ("CR", false), ("US", false)] {
            var h = Self.agreed()
            let cost = h.at(
                "case.cost_recorded", "MX", case: Self.c, "2015-04-07T10:00:00Z",
                ["payer": .string(who), "amount": "1.00", "currency": "USD", "purpose": "x"])
            let claim = h.at(
                "case.reimbursement_claimed", "US", case: Self.c, "2015-04-08T10:00:00Z",
                ["from": .string(who), "amount": "1.00", "currency": "USD", "purpose": "x"])
            #expect(h.rules(at: cost) == (lawful ? [] : ["ART8-COSTS"]), "\(who)")
            #expect(h.rules(at: claim) == (lawful ? [] : ["ART8-COSTS"]), "\(who)")
        }
    }

    // MARK: Art. 7.7

    static func concluded(_ meetings: [(id: String, held: Bool)], presentAt: [String]) -> History {
        var h = Self.agreed()
        h.at("case.concluded", "MX", case: Self.c, "2015-06-30T10:00:00Z", ["outcome": "protected", "summary": "s"])
        for m in meetings {
            let date = String(m.id.prefix(10))
            h.at("meeting.scheduled", "RCM-TS", "2015-05-01T00:00:00Z", ["meeting": .string(m.id), "date": .string(date), "city": "Panama", "country": "PA"])
            if m.held { h.at("meeting.held", "RCM-TS", date + "T09:00:00Z", ["meeting": .string(m.id), "participants": ["MX"]]) }
        }
        for id in presentAt {
            h.at(
                "case.presented_at_meeting", "MX", case: Self.c, String(id.prefix(10)) + "T12:00:00Z",
                [
                    "meeting": .string(id), "nature": "n", "protection_required": "r", "protection_provided": "p", "provided_by": "US", "lessons": "l",
                ])
        }
        return h
    }

    @Test("ART7.7: a meeting held on the conclusion's day is not the following meeting; the next held one is")
    func followingMeeting() {
        let sameDay = "2015-06-30-panama"
        let next = "2015-11-09-panama"
        let later = "2016-05-09-panama"
        // Presented at the next one: lawful, whatever happened on the day of the conclusion.
        #expect(Self.concluded([(sameDay, true), (next, true)], presentAt: [next]).rules == [])
        // Presented only at the same-day meeting: the next one was missed.
        let missed = Self.concluded([(sameDay, true), (next, true)], presentAt: [sameDay])
        #expect(missed.rules == ["ART7.7-PRESENTATION"])
        #expect(missed.breaches.first?.message.contains("on 2015-11-09") == true)
        // The day after the conclusion counts as following.
        #expect(Self.concluded([("2015-07-01-panama", true)], presentAt: []).rules == ["ART7.7-PRESENTATION"])
        // A meeting only scheduled is not held yet: no breach; one held later still is.
        #expect(Self.concluded([(next, false)], presentAt: []).rules == [])
        let late = Self.concluded([(next, true), (later, true)], presentAt: [later])
        #expect(late.rules == ["ART7.7-PRESENTATION"])
        #expect(late.breaches.first?.message.contains("presented later, at \(later)") == true)
    }

    @Test("LIFECYCLE: a presentation the day before its meeting is a breach and no presentation; on the day and after it is one")
    func presentationBeforeMeeting() {
        let next = "2015-11-09-panama"
        func presented(on day: String, schedule dates: [String] = ["2015-11-09"], held: Bool = true) -> History {
            var h = Self.agreed()
            h.at("case.concluded", "MX", case: Self.c, "2015-06-30T10:00:00Z", ["outcome": "protected", "summary": "s"])
            for date in dates {
                h.at(
                    "meeting.scheduled", "RCM-TS", "2015-05-01T00:00:00Z", ["meeting": .string(next), "date": .string(date), "city": "Panama", "country": "PA"])
            }
            if held { h.at("meeting.held", "RCM-TS", "2015-11-09T09:00:00Z", ["meeting": .string(next), "participants": ["MX"]]) }
            h.at(
                "case.presented_at_meeting", "MX", case: Self.c, day + "T12:00:00Z",
                ["meeting": .string(next), "nature": "n", "protection_required": "r", "protection_provided": "p", "provided_by": "US", "lessons": "l"])
            return h
        }
        let before = presented(on: "2015-11-08")
        // The day before: LIFECYCLE on the act, and the case is not presented (Art. 7.7 still expects it).
        #expect(before.rules(at: UInt64(before.facts.count)) == ["LIFECYCLE"])
        #expect(before.breaches.first { $0.rule == "LIFECYCLE" }?.message.contains("not held until 2015-11-09") == true)
        #expect(before.rules.contains("ART7.7-PRESENTATION"))
        #expect(before.world.cases[Self.c]?.presentations.isEmpty == true)
        #expect(before.world.cases[Self.c]?.status == .concluded)
        for day in ["2015-11-09", "2015-11-10"] {
            let h = presented(on: day)
            #expect(h.rules == [], "\(day): \(h.breaches.map(\.message))")
            #expect(h.world.cases[Self.c]?.status == .presented)
        }
        // A meeting held and never scheduled is dated by its id.
        let unscheduled = presented(on: "2015-11-08", schedule: [])
        #expect(unscheduled.rules(at: UInt64(unscheduled.facts.count)) == ["LIFECYCLE"])
        #expect(presented(on: "2015-11-09", schedule: []).rules == [])
    }

    // MARK: Integrity rules

    @Test("AUTHORITY: every role of the catalog, and one verdict for a wrong actor")
    func authority() {
        var h = Self.agreed()
        let notify = h.at("case.secretariat_notified", "MX", case: Self.c, "2015-04-06T10:00:00Z", ["acknowledgement": "a"])
        let circulate = h.at("case.circulated", "US", case: Self.c, "2015-04-06T10:00:00Z", ["focal_points": ["US"]])
        let offerByIOM = h.at("case.collaboration_offered", "IOM", case: Self.c, "2015-04-06T10:00:00Z", ["offer": "x"])
        let declineBySelf = h.at("case.collaboration_declined", "MX", case: Self.c, "2015-04-06T10:00:00Z", [:])
        let costByUS = h.at(
            "case.cost_recorded", "US", case: Self.c, "2015-04-06T10:00:00Z", ["payer": "IOM", "amount": "1", "currency": "USD", "purpose": "x"])
        let actBySelf = h.at("case.protection_action_recorded", "MX", case: Self.c, "2015-04-06T10:00:00Z", ["kind": "legal_orientation", "details": "x"])
        let joinByIOM = h.at("state.joined_agreement", "IOM", "2015-04-06T10:00:00Z", ["effective": "2015-04-06"])
        let meetingByMX = h.at(
            "meeting.scheduled", "MX", "2015-04-06T10:00:00Z", ["meeting": "2015-12-01-x", "date": "2015-12-01", "city": "X", "country": "MX"])
        for seq in [notify, circulate, offerByIOM, declineBySelf, costByUS, actBySelf, joinByIOM, meetingByMX] {
            #expect(h.rules(at: seq) == ["AUTHORITY"], "seq \(seq): \(h.breaches.filter { $0.seq == seq }.map(\.message))")
        }
        // Lawful actors of the same types.
        var ok = Self.agreed()
        for seq in [
            ok.at("case.circulated", "MX", case: Self.c, "2015-04-06T10:00:00Z", ["focal_points": ["US"]]),
            ok.at("case.cost_recorded", "IOM", case: Self.c, "2015-04-06T10:00:00Z", ["payer": "IOM", "amount": "1", "currency": "USD", "purpose": "x"]),
            ok.at("case.collaboration_declined", "CR", case: Self.c, "2015-04-06T10:00:00Z", [:]),
        ] { #expect(ok.rules(at: seq) == [], "seq \(seq)") }
    }

    @Test("AUTHORITY: only the author corrects; LIFECYCLE: a correction of an event the case does not hold")
    func corrections() {
        var h = Self.agreed()
        let target = h.facts.first { $0.type == "case.request_filed" }!.id.description
        let byOther = h.at(
            "case.corrected", "US", case: Self.c, "2015-04-06T10:00:00Z", ["event": .string(target), "fields": ["location_city": "X"], "reason": "r"])
        let byAuthor = h.at(
            "case.corrected", "MX", case: Self.c, "2015-04-06T10:00:00Z", ["event": .string(target), "fields": ["location_city": "X"], "reason": "r"])
        let unknown = h.at(
            "case.corrected", "MX", case: Self.c, "2015-04-06T10:00:00Z",
            ["event": "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51", "fields": ["location_city": "X"], "reason": "r"])
        #expect(h.rules(at: byOther) == ["AUTHORITY"])
        #expect(h.rules(at: byAuthor) == [])
        #expect(h.rules(at: unknown) == ["LIFECYCLE"])
    }

    @Test("LIFECYCLE: 300 seconds of clock allowance, then the future is a breach")
    func clock() {
        var h = History.network()
        let fp: [String: JSONValue] = ["office": "x", "email": "y", "telephone": "z"]
        let ok = h.at("state.focal_point_designated", "MX", "2015-06-01T10:00:00Z", fp, recordedAfter: -300)
        let late = h.at("state.focal_point_designated", "MX", "2015-06-01T11:00:00Z", fp, recordedAfter: -301)
        #expect(h.rules(at: ok) == [])
        #expect(h.rules(at: late) == ["LIFECYCLE"])
    }

    @Test(
        "LIFECYCLE: before filing, twice filed, twice concluded, presented before concluding, a claim reimbursed before it was made, acts after close; a claim not held is pending"
    )
    func lifecycle() throws {
        var h = History.network()
        let early = h.at("case.circulated", "MX", case: Self.c, "2015-03-01T10:00:00Z", ["focal_points": ["US"]])
        h.at("case.request_filed", "MX", case: Self.c, "2015-04-01T10:00:00Z", Self.filing)
        let again = h.at("case.request_filed", "MX", case: Self.c, "2015-04-01T11:00:00Z", Self.filing)
        h.at("meeting.held", "RCM-TS", "2015-05-01T09:00:00Z", ["meeting": "2015-05-01-x", "participants": ["MX"]])
        let presentEarly = h.at(
            "case.presented_at_meeting", "MX", case: Self.c, "2015-05-01T12:00:00Z",
            [
                "meeting": "2015-05-01-x", "nature": "n", "protection_required": "r", "protection_provided": "p", "provided_by": "US", "lessons": "l",
            ])
        let claim = h.at(
            "case.reimbursed", "MX", case: Self.c, "2015-05-02T10:00:00Z",
            ["claim": "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51", "amount": "1", "currency": "USD"])
        h.at("case.secretariat_notified", "RCM-TS", case: Self.c, "2015-05-03T10:00:00Z", ["acknowledgement": "a"])
        h.at("case.concluded", "MX", case: Self.c, "2015-06-01T10:00:00Z", ["outcome": "mechanism_not_applicable", "summary": "s"])
        let twice = h.at("case.concluded", "MX", case: Self.c, "2015-06-02T10:00:00Z", ["outcome": "protected", "summary": "s"])
        let afterClose = h.at("case.circulated", "MX", case: Self.c, "2015-06-03T10:00:00Z", ["focal_points": ["US"]])
        let costAfter = h.at(
            "case.cost_recorded", "IOM", case: Self.c, "2015-06-03T10:00:00Z", ["payer": "IOM", "amount": "1", "currency": "USD", "purpose": "x"])
        for seq in [early, again, presentEarly, twice, afterClose] {
            #expect(h.rules(at: seq) == ["LIFECYCLE"], "seq \(seq): \(h.breaches.filter { $0.seq == seq }.map(\.message))")
        }
        #expect(h.rules(at: costAfter) == [])
        // A claim the case does not hold at all may not have reached this node yet (issue 21): a
        // pending reference, not LIFECYCLE.
        #expect(h.rules(at: claim) == [])
        #expect(Agreement.pendingReferences(h.facts).map(\.names) == ["0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51"])
        // Once the case holds it, a reimbursement before the claim is out of order: LIFECYCLE.
        var later = h
        let id = try #require(EventID(parsing: "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51"))
        later.facts.append(
            Fact(
                seq: 999, recorded: Timestamp(parsing: "2015-05-03T00:00:00Z")!,
                envelope: Envelope(
                    id: id, type: "case.reimbursement_claimed", caseID: Self.c, actor: "US", occurred: Timestamp(parsing: "2015-05-02T11:00:00Z")!,
                    payload: ["from": "MX", "amount": "1", "currency": "USD", "purpose": "x"])))
        #expect(later.rules(at: claim) == ["LIFECYCLE"])
        #expect(Agreement.pendingReferences(later.facts).isEmpty)
    }

    @Test("the catalog owns every type: one row each, a phrase each, commands named once")
    func catalogRows() {
        // One row per wire name, and every type code singles out names a row (a misspelt
        // constant would name no row).
        #expect(Set(Catalog.specs.map(\.type.name)).count == Catalog.specs.count)
        let named: [EventType] = [
            .genesis, .keyRegistered, .keyRevoked, .enteredIntoForce, .joinedAgreement, .leftAgreement, .networkDeclared,
            .focalPointDesignated, .meetingScheduled, .meetingHeld, .requestFiled, .secretariatNotified, .circulated, .collaborationOffered,
            .collaborationDeclined, .assistingStateSelected, .formalRequestSent, .scopeAgreed, .protectionActionRecorded, .costRecorded,
            .reimbursementClaimed, .reimbursed, .concluded, .withdrawn, .presentedAtMeeting, .personalDataErased, .redacted, .corrected,
        ]
        for type in named { #expect(EventType(name: type.name) == type, "\(type)") }
        #expect(EventType(name: "case.unknown") == nil)
        #expect(Set(Catalog.specs.compactMap { $0.command.map { "\($0.group) \($0.name)" } }).count == Catalog.specs.filter { $0.command != nil }.count)
        #expect(Catalog.specs.filter(\.type.isKeyEvent).map(\.type) == [.genesis, .keyRegistered, .keyRevoked])
        #expect(
            Catalog.specs.filter(\.afterClose).map(\.type) == [
                .costRecorded, .reimbursementClaimed, .reimbursed, .presentedAtMeeting, .personalDataErased, .redacted, .corrected,
            ])
    }
}
