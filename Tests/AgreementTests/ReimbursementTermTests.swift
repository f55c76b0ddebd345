import Ledger
import Testing

@testable import Agreement

/// Issue 26: the reimbursement term is the Network's (an act of the Secretariat), 12 months by
/// default; a claim falls under the term in force on its day.
@Suite struct ReimbursementTermTests {
    @Test(
        "months are added to the same day of the month, or the month's last day when it has none",
        arguments: [
            ("2015-03-01", 12, "2016-03-01"), ("2016-02-29", 12, "2017-02-28"), ("2016-02-29", 48, "2020-02-29"), ("2015-08-31", 6, "2016-02-29"),
            ("2014-08-31", 6, "2015-02-28"), ("2015-01-31", 1, "2015-02-28"), ("2015-01-30", 3, "2015-04-30"), ("2015-12-15", 1, "2016-01-15"),
            ("2015-11-30", 2, "2016-01-30"), ("2099-12-31", 60, "2104-12-31"), ("2100-01-29", 1, "2100-02-28"), ("2000-01-29", 1, "2000-02-29"),
        ])
    func adding(day: String, months: Int, expected: String) {
        #expect(Deadlines.adding(months: months, to: day) == expected)
    }

    func fact(_ h: inout History, months: JSONValue, effective: String, occurred: String, actor: String = "RCM-TS") -> Fact {
        h.add(
            "network.reimbursement_term_set", actor, occurred, ["months": months, "source": "minutes, item 4", "effective": .string(effective)])
        return h.facts.last!
    }

    @Test("a claim falls under the term in force on its day: the default before any, the later record on one effective day, whatever the order of record")
    func termOnADay() {
        var h = History()
        let six = fact(&h, months: 6, effective: "2016-07-01", occurred: "2016-06-20")
        let three = fact(&h, months: 3, effective: "2017-01-01", occurred: "2016-12-01")
        let nine = fact(&h, months: 9, effective: "2017-01-01", occurred: "2016-12-02")
        for facts in [[six, three, nine], [nine, six, three], [three, nine, six]] {
            let terms = ReimbursementTerms(facts)
            #expect(terms.term(on: "2016-06-30") == .standard)
            #expect(terms.term(on: "2016-06-30").isDefault)
            #expect(terms.term(on: "2016-07-01").months == 6)
            #expect(terms.term(on: "2016-12-31").months == 6)
            // Two terms from one day: the one recorded later applies.
            #expect(terms.term(on: "2017-01-01").months == 9)
            #expect(terms.due(claimedOn: "2016-06-30") == "2017-06-30")
            #expect(terms.due(claimedOn: "2016-07-01") == "2017-01-01")
            #expect(!terms.overdue(claimedOn: "2016-07-01", on: "2017-01-01"))
            #expect(terms.overdue(claimedOn: "2016-07-01", on: "2017-01-02"))
        }
    }

    @Test("only a well-formed act sets a term: months 1 to 60 as a number, a source, an effective day")
    func shape() {
        var h = History()
        for (months, ok) in [
            (JSONValue.number(1), true), (.number(60), true), (.number(0), false), (.number(61), false), (.number(1.5), false), (.string("12"), false),
            (.number(-3), false),
        ] {
            let f = fact(&h, months: months, effective: "2016-07-01", occurred: "2016-06-20")
            #expect(f.isWellFormed == ok, "\(months)")
            #expect((ReimbursementTerms([f]).term(on: "2016-08-01") != .standard) == ok, "\(months)")
        }
        // Recorded by a State, it is AUTHORITY, and changes no claim's deadline.
        var other = History()
        let byState = fact(&other, months: 6, effective: "2016-07-01", occurred: "2016-06-20", actor: "MX")
        #expect(Agreement.judge(existing: [], adding: [byState]).added.contains { $0.rule == "AUTHORITY" })
        #expect(ReimbursementTerms([byState]).term(on: "2016-08-01") == .standard)
    }
}
