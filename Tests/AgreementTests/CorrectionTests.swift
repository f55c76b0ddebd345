import Agreement
import Ledger
import Testing

/// A correction is applied by the fold only by the corrected event's author, in its case, to an
/// act (not a correction), with lawful fields; several apply in log order.
@Suite("Corrections in the fold")
struct CorrectionTests {
    /// A lawful case whose action of 2015-04-06 is corrected by `actor`, in `caseID`, with `fields`.
    static func corrected(by actor: String = "US", case caseID: String = "MX-2015-0001", _ fields: [String: JSONValue]) -> (History, EventID) {
        var h = History.network()
        h.lawfulCase()
        let action = h.facts.first { $0.type == "case.protection_action_recorded" }!
        h.add(
            "case.corrected", actor, case: caseID, "2015-07-01",
            ["event": .string(action.id.description), "fields": .object(fields), "reason": "entered wrongly"])
        return (h, action.id)
    }

    static func action(_ h: History, _ id: EventID) -> Fact {
        let corrections = Corrections(h.facts)
        return corrections.apply(h.facts.first { $0.id == id }!)
    }

    @Test("the author's correction changes the payload and the date; the original is kept")
    func applies() {
        let (h, id) = Self.corrected(["occurred": "2015-04-08T10:00:00Z", "details": "visit at the consulate"])
        let f = Self.action(h, id)
        #expect(f.occurred == Timestamp(parsing: "2015-04-08T10:00:00Z"))
        #expect(h.text(f, "details") == "visit at the consulate")
        #expect(f.payload["kind"] == "consular_visit")
        #expect(f.original?.payload["details"]?.stringValue.flatMap { h.words[$0] } == "visit at the shelter")
        #expect(f.correctedBy.count == 1)
        #expect(h.breaches.isEmpty, "\(h.breaches)")
    }

    @Test("another actor's correction, another case's, or unlawful fields change nothing")
    func ignored() {
        for (actor, caseID, fields) in [
            ("MX", "MX-2015-0001", ["details": JSONValue.string("x")]),
            ("US", "MX-2015-0002", ["details": "x"]),
            ("US", "MX-2015-0001", ["colour": "red"]),
            ("US", "MX-2015-0001", ["occurred": "soon"]),
            ("US", "MX-2015-0001", ["kind": ""]),
        ] {
            let (h, id) = Self.corrected(by: actor, case: caseID, fields)
            let f = Self.action(h, id)
            #expect(f.original == nil && f.correctedBy.isEmpty && h.text(f, "details") == "visit at the shelter", "\(actor) \(caseID) \(fields)")
        }
    }

    @Test("a date corrected to after the conclusion makes the act a breach at its corrected date")
    func movesTheAct() {
        let (h, id) = Self.corrected(["occurred": "2015-07-01T00:00:00Z"])
        let seq = h.facts.first { $0.id == id }!.seq!
        #expect(h.rules(at: seq) == ["LIFECYCLE"])
        let (before, _) = Self.corrected(["occurred": "2015-06-29T23:59:59Z"])
        #expect(before.breaches.isEmpty)
    }

    @Test("several corrections apply in log order, field by field")
    func order() {
        var (h, id) = Self.corrected(["details": "first", "kind": "legal_orientation"])
        h.add("case.corrected", "US", case: "MX-2015-0001", "2015-07-02", ["event": .string(id.description), "fields": ["details": "second"], "reason": "r"])
        let f = Self.action(h, id)
        #expect(h.text(f, "details") == "second")
        #expect(f.payload["kind"] == "legal_orientation")
        #expect(f.correctedBy.count == 2)
    }
}
