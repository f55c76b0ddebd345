import Agreement
import Ledger

/// A history of facts built in a test, numbered like a log (seq from 1).
struct History {
    var facts: [Fact] = []
    /// The words of the facts' free text, by commitment.
    var words: [String: String] = [:]

    /// The words of a free-text field of `fact` (as corrected), or the value itself when it is not a commitment.
    func text(_ fact: Fact, _ field: String) -> String? {
        fact.payload[field]?.stringValue.map { words[$0] ?? $0 }
    }

    @discardableResult
    mutating func add(
        _ type: String, _ actor: String, case caseID: String? = nil, _ day: String,
        _ payload: [String: JSONValue] = [:]
    ) -> UInt64 {
        let seq = UInt64(facts.count + 1)
        let occurred = Timestamp(parsing: day)!.adding(seconds: Int64(facts.count))  // keeps same-day acts in order
        let envelope = Envelope(id: .v7(), type: type, caseID: caseID, actor: actor, occurred: occurred, payload: sealed(type, payload))
        facts.append(Fact(seq: seq, recorded: occurred.adding(seconds: 86400 * 400), envelope: envelope))
        return seq
    }

    /// Adds a fact that occurred at exactly `time` (RFC 3339), recorded `recordedAfter` seconds later.
    @discardableResult
    mutating func at(
        _ type: String, _ actor: String, case caseID: String? = nil, _ time: String,
        _ payload: [String: JSONValue] = [:], recordedAfter: Int64 = 86400 * 400
    ) -> UInt64 {
        let seq = UInt64(facts.count + 1)
        let occurred = Timestamp(parsing: time)!
        let envelope = Envelope(id: .v7(), type: type, caseID: caseID, actor: actor, occurred: occurred, payload: sealed(type, payload))
        facts.append(Fact(seq: seq, recorded: occurred.adding(seconds: recordedAfter), envelope: envelope))
        return seq
    }

    /// The payload as it is signed: free text as commitments (``Catalog/seal``), a correction's
    /// too (of the type of the fact it names).
    mutating func sealed(_ type: String, _ payload: [String: JSONValue]) -> [String: JSONValue] {
        let target = payload["event"]?.stringValue
        let corrected = facts.first { $0.id.description == target }?.kind
        let sealed = Catalog.seal(Draft(type: type, occurred: .now(), payload: payload), correctedType: corrected)
        for part in sealed.words { words[part.commitment] = part.text }
        return sealed.draft.payload
    }

    /// The rules breached, in report order.
    var rules: [String] { breaches.map(\.rule) }

    /// The rules breached on the fact at `seq`.
    func rules(at seq: UInt64) -> [String] { breaches.filter { $0.seq == seq }.map(\.rule) }

    /// Sequence number of the first fact of `type` (in `caseID` if given).
    func seq(_ type: String, case caseID: String? = nil, actor: String? = nil, last: Bool = false) -> UInt64 {
        let matching = facts.filter { $0.type == type && (caseID == nil || $0.caseID == caseID) && (actor == nil || $0.actor == actor) }
        return (last ? matching.last : matching.first)!.seq!
    }

    var breaches: [Breach] { Agreement.fold(facts).1 }
    var world: World { Agreement.fold(facts).0 }

    /// The Network as the scenario starts: the Agreement in force (2015-01-15), Mexico, the United
    /// States and Costa Rica Parties with declared offices and focal points, one meeting scheduled.
    static func network(
        inForce: String = "2015-01-15", usOffices: [String] = ["BS", "MX", "CR", "ES"],
        usFocalPoint: Bool = true, mxLeaves: String? = nil, mxDeclares: Bool = true,
        crOffices: [String] = ["US", "MX", "BS"]
    ) -> History {
        var h = History()
        h.add("agreement.entered_into_force", "RCM-TS", "2015-01-15", ["date": .string(inForce), "text_version": "draft"])
        for s in ["MX", "US", "CR"] { h.add("state.joined_agreement", s, "2015-02-01", ["effective": "2015-02-01"]) }
        if let mxLeaves { h.add("state.left_agreement", "MX", mxLeaves, ["effective": .string(mxLeaves)]) }
        func offices(_ cs: [String]) -> JSONValue { .array(cs.map { ["country": .string($0)] }) }
        if mxDeclares { h.add("state.consular_network_declared", "MX", "2015-02-01", ["offices": offices(["CR", "US", "ES"])]) }
        h.add("state.consular_network_declared", "US", "2015-02-01", ["offices": offices(usOffices)])
        h.add("state.consular_network_declared", "CR", "2015-02-01", ["offices": offices(crOffices)])
        for s in ["MX", "US", "CR"] where s != "US" || usFocalPoint {
            h.add("state.focal_point_designated", s, "2015-02-02", ["office": "consular directorate", "email": "fp@example.org", "telephone": "+1 000"])
        }
        h.add("meeting.scheduled", "RCM-TS", "2015-03-01", ["meeting": "2015-11-09-mexico-city", "date": "2015-11-09", "city": "Mexico City", "country": "MX"])
        return h
    }

    /// Options for one lawful case of Mexico's, a national in Nassau, the Bahamas, assisted by the
    /// United States; each option bends one step.
    struct CaseOptions {
        var caseID = "MX-2015-0001"
        var filer = "MX"
        var location = "BS"
        var perpetrator = "civilian"
        var category = "labour_exploitation"
        var channel = "consular_directorate"
        var notify = true
        /// Who performs the circulation (default: the filer, as the Agreement wants).
        var circulator: String?
        var selected = "US"
        var requestTo: String? = "US"
        var kind = "consular_visit"
        var payer = "IOM"
        var actAfterConclusion = false
        var present = true
    }

    mutating func lawfulCase(_ o: CaseOptions = CaseOptions()) {
        let c = o.caseID
        add(
            "case.request_filed", o.filer, case: c, "2015-04-01",
            [
                "subject": "p-7f3a9c", "location_country": .string(o.location), "location_city": "Nassau",
                "category": .string(o.category), "perpetrator": .string(o.perpetrator), "channel": .string(o.channel),
                "protection_required": "consular visit",
            ])
        if o.notify { add("case.secretariat_notified", "RCM-TS", case: c, "2015-04-02", ["acknowledgement": "TS-31"]) }
        let r = o.filer
        add("case.circulated", o.circulator ?? r, case: c, "2015-04-02", ["focal_points": ["US", "CR"]])
        add("case.collaboration_offered", "US", case: c, "2015-04-03", ["offer": "visit by the embassy in Nassau"])
        add("case.assisting_state_selected", r, case: c, "2015-04-03", ["state": .string(o.selected)])
        if let to = o.requestTo {
            add("case.formal_request_sent", r, case: c, "2015-04-04", ["to": .string(to), "note": "MX-NV-1", "mission": "Embassy in Nassau"])
        }
        add(
            "case.scope_agreed", "US", case: c, "2015-04-05",
            [
                "request_note": "MX-NV-1", "reply_note": "US-NV-1", "scope": ["consular_visit", "legal_orientation"], "procedures": "weekly reports",
            ])
        add("case.protection_action_recorded", "US", case: c, "2015-04-06", ["kind": .string(o.kind), "details": "visit at the shelter"])
        add(
            "case.cost_recorded", o.payer == "IOM" ? "IOM" : r, case: c, "2015-04-07",
            ["payer": .string(o.payer), "amount": "350.00", "currency": "USD", "purpose": "transport"])
        add("case.concluded", r, case: c, "2015-06-30", ["outcome": "protected", "summary": "returned safely"])
        if o.actAfterConclusion {
            add("case.protection_action_recorded", "US", case: c, "2015-07-02", ["kind": "consular_visit", "details": "late visit"])
        }
        add("meeting.held", "RCM-TS", "2015-11-09", ["meeting": "2015-11-09-mexico-city", "participants": ["MX", "US", "CR"]])
        if o.present {
            add(
                "case.presented_at_meeting", r, case: c, "2015-11-09",
                [
                    "meeting": "2015-11-09-mexico-city", "nature": "labour exploitation", "protection_required": "visit",
                    "protection_provided": "consular visit", "provided_by": "US", "lessons": "focal points answered within a day",
                ])
        }
    }
}
