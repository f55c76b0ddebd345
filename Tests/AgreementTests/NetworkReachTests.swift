import Agreement
import Ledger
import Testing

/// Which cases a Network act reaches (``NetworkReach``): the cases whose stored findings are
/// judged again. Its boundaries, day by day.
@Suite("Network reach")
struct NetworkReachTests {
    @Test("a meeting reaches the cases concluded from the last other meeting held before it up to the day before its date, and those naming it")
    func meetingReach() throws {
        var h = History.network()
        h.add("meeting.scheduled", "RCM-TS", "2015-03-01", ["meeting": "2015-05-10-a", "date": "2015-05-10", "city": "A", "country": "MX"])
        h.add("meeting.held", "RCM-TS", "2015-05-10", ["meeting": "2015-05-10-a", "participants": ["MX"]])
        let new = h.add("meeting.scheduled", "RCM-TS", "2015-06-01", ["meeting": "2015-11-09-b", "date": "2015-11-09", "city": "B", "country": "MX"])
        let network = h.facts.filter { $0.caseID == nil }
        let reach = NetworkReach(new: network.filter { $0.seq == new }, network: network)
        func reached(_ day: String?, meetings: [String] = []) -> Bool { reach.reaches(concluded: day, codes: ["ZZ"], meetings: meetings) }
        #expect(!reached("2015-05-09"), "concluded before the earlier meeting: its following meeting is that one")
        #expect(reached("2015-05-10"), "concluded on the earlier meeting's day: the following one is the new one")
        #expect(reached("2015-11-08"))
        #expect(!reached("2015-11-09"), "concluded on the new meeting's day: not its following meeting")
        #expect(!reached(nil))
        #expect(reached(nil, meetings: ["2015-11-09-b"]), "a case naming the meeting")
        #expect(!reached(nil, meetings: ["2015-05-10-a"]))
        // Without an earlier meeting held, every earlier conclusion.
        let first = NetworkReach(new: network.filter { $0.kind == .meetingScheduled && $0[.meeting] == "2015-05-10-a" }, network: network)
        #expect(first.reaches(concluded: "2001-01-01", codes: [], meetings: []))
        #expect(!first.reaches(concluded: "2015-05-10", codes: [], meetings: []))
    }

    @Test("a State's act reaches the cases naming it and, for its membership or offices, those naming a country where it declared one; key events reach none")
    func stateReach() throws {
        let h = History.network()
        let network = h.facts.filter { $0.caseID == nil }
        func reach(_ kind: EventType, _ actor: String) -> NetworkReach {
            NetworkReach(new: network.filter { $0.kind == kind && $0.actor == actor }.suffix(1), network: network)
        }
        let leaves = reach(.joinedAgreement, "US")
        #expect(leaves.reaches(concluded: nil, codes: ["US"], meetings: []))
        #expect(leaves.reaches(concluded: nil, codes: ["BS"], meetings: []), "the US declared an office in the Bahamas")
        #expect(!leaves.reaches(concluded: nil, codes: ["PA"], meetings: []))
        let declares = reach(.networkDeclared, "CR")
        #expect(declares.reaches(concluded: nil, codes: ["BS"], meetings: []))
        #expect(!declares.reaches(concluded: nil, codes: ["ES"], meetings: []), "Costa Rica never declared Spain")
        let focal = reach(.focalPointDesignated, "MX")
        #expect(focal.reaches(concluded: nil, codes: ["MX"], meetings: []))
        #expect(!focal.reaches(concluded: nil, codes: ["CR", "ES"], meetings: []), "a focal point reaches only its State's cases")
        #expect(reach(.enteredIntoForce, "RCM-TS").everyCase)
        let keyEvent = Envelope(
            id: .v7(), type: EventType.keyRegistered.name, caseID: nil, actor: "RCM-TS", occurred: Timestamp(parsing: "2015-01-01")!, payload: [:])
        #expect(NetworkReach(new: [Fact(seq: 99, recorded: .now(), envelope: keyEvent)], network: network).isEmpty)
    }
}

/// `Agreement.judged` folds a case's acts against the Network's acts folded once; it must find
/// what one fold of both finds, at the instants where their order decides.
@Suite("A case judged against the Network folded once")
struct JudgedTests {
    func expectJudgedIsTheFold(_ h: History, _ caseID: String) {
        let network = h.facts.filter { $0.caseID == nil }
        let facts = h.facts.filter { $0.caseID == caseID }
        let fold = Agreement.fold(network + facts).1.filter { $0.caseID == caseID }
        let judged = Agreement.judged([(id: caseID, facts: facts)], network: network)[0].breaches.map(\.breach)
        #expect(judged == fold)
    }

    @Test("a focal point designated at the very instant of a State's act, recorded before it and after it")
    func sameInstant() {
        for networkFirst in [true, false] {
            var h = History.network()
            let time = "2015-03-02T10:00:00Z"
            let payload: [String: JSONValue] = ["office": "Dirección", "email": "fp@example.org", "telephone": "+1 555 0100"]
            if networkFirst { h.at("state.focal_point_designated", "GT", time, payload) }
            h.at("case.request_filed", "GT", case: "GT-2015-0001", time, ["subject": "p-7f3a9c", "location_country": "MX"])
            if !networkFirst { h.at("state.focal_point_designated", "GT", time, payload) }
            let focal = Agreement.fold(h.facts).1.filter { $0.rule == RuleID.focalPoint.rawValue }
            #expect(focal.isEmpty == networkFirst, "the tie goes by sequence: the act recorded first comes first")
            expectJudgedIsTheFold(h, "GT-2015-0001")
        }
    }

    @Test("a State leaving, a meeting held and offices declared after a case's acts, recorded late")
    func lateNetwork() {
        var h = History.network()
        h.add("case.request_filed", "MX", case: "MX-2015-0001", "2015-04-01", ["subject": "p-7f3a9c", "location_country": "BS"])
        h.add("case.concluded", "MX", case: "MX-2015-0001", "2015-05-01", ["outcome": "resolved"])
        h.add("state.left_agreement", "MX", "2015-03-01", ["effective": "2015-03-01"])
        h.add("meeting.held", "RCM-TS", "2015-11-09", ["meeting": "2015-11-09-mexico-city", "participants": ["MX", "US"]])
        h.add("state.consular_network_declared", "US", "2015-01-01", ["offices": []])
        expectJudgedIsTheFold(h, "MX-2015-0001")
        #expect(!Agreement.fold(h.facts).1.filter { $0.caseID == "MX-2015-0001" }.isEmpty)
    }
}
