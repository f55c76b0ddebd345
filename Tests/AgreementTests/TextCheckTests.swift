import Foundation
import Ledger
import Testing

@testable import Agreement

/// The catalog's text check, rewritten without NSString bridging for speed (issue 12), says what
/// trimming `.whitespaces` said: blank text is refused, anything else up to 2,000 characters is not.
@Suite struct TextCheckTests {
    @Test func blankTextIsRefusedAsTrimmingWouldRefuseIt() {
        let samples = [
            "", " ", "\t", "  \t ", "\u{00A0}", "\u{3000}", "\u{2003}\u{2009}", " a ", "a", "\u{3000}x", "\n", " \n ",
            "é", "\u{200B}", "visit to the detention centre",
        ]
        for s in samples {
            let expected = !s.trimmingCharacters(in: .whitespaces).isEmpty
            #expect(Catalog.hasNonBlank(s) == expected, "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect((Catalog.check(.string(s), .text) == nil) == (expected && Catalog.invisibleProblem(s) == nil))
        }
    }

    @Test(
        "Trojan Source: bidirectional controls, zero-width and other invisible characters are refused in text, named; letters, emoji, tab and newline are not")
    func invisibleCharactersAreRefused() {
        let refused: [(String, String)] = [
            ("Panam\u{202E}a", "U+202E (RIGHT-TO-LEFT OVERRIDE)"), ("a\u{2066}b\u{2069}", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
            ("\u{200F}x", "U+200F (RIGHT-TO-LEFT MARK)"), ("x\u{061C}", "U+061C (ARABIC LETTER MARK)"), ("zero\u{200B}width", "U+200B (ZERO WIDTH SPACE)"),
            ("\u{FEFF}bom", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"), ("soft\u{00AD}hyphen", "U+00AD (SOFT HYPHEN)"),
            ("line\u{2028}sep", "U+2028 (LINE SEPARATOR)"), ("bell\u{07}", "U+0007"), ("del\u{7F}", "U+007F"), ("c1\u{85}", "U+0085"),
        ]
        for (text, named) in refused {
            let problem = Catalog.check(.string(text), .text)
            #expect(problem?.contains("invisible character \(named)") == true, "\(problem ?? "accepted")")
            #expect(Catalog.check(.string(text), .words, draft: true) != nil)
        }
        for text in ["José Martí", "San José, Costa Rica", "tab\there", "two\nlines", "crlf\r\n", "👍🏽", "Nuku\u{02BB}alofa"] {
            #expect(Catalog.check(.string(text), .text) == nil, "\(text)")
        }
        let offices: JSONValue = .array([.object(["country": "US", "cities": .array(["Wash\u{200B}ington"])])])
        #expect(Catalog.check(offices, .offices)?.contains("a city of US: holds the invisible character U+200B") == true)
    }

    @Test("a date before 2000 or more than 730 days after today asks for confirmation: the day before, on and after each bound")
    func farDates() {
        let today = Timestamp(parsing: "2026-12-05T10:00:00Z")!
        #expect(Catalog.farDateReason("1999-12-31", today: today) == "before 2000")
        #expect(Catalog.farDateReason("2000-01-01", today: today) == nil)
        #expect(Catalog.farDateReason("2028-12-04", today: today) == nil)  // 730 days after
        #expect(Catalog.farDateReason("2028-12-05", today: today) == "more than two years after today (2026-12-05)")
        #expect(Catalog.farDateReason("9999-12-31", today: today) != nil)
        let draft = Draft(
            type: "meeting.scheduled", occurred: today, payload: ["meeting": "9999-12-31-panama", "date": "9999-12-31", "city": "Panama", "country": "PA"])
        #expect(Catalog.farDateProblem(draft, today: today)?.wording?.field == "date")
        let old = Draft(type: "state.left_agreement", occurred: Timestamp(parsing: "1999-06-01")!, payload: ["effective": "2015-01-01"])
        #expect(Catalog.farDateProblem(old, today: today)?.description.hasPrefix("\"occurred\" is 1999-06-01, before 2000") == true)
        let correction = Draft(
            type: "case.corrected", caseID: "MX-2015-0001", occurred: today,
            payload: ["event": "0190c3d2-7b1e-7a3c-9f00-2b6d1c9e4a51", "fields": ["occurred": "1915-04-01"], "reason": "r"])
        #expect(Catalog.farDateProblem(correction, today: today)?.description.hasPrefix("corrected \"occurred\" is 1915-04-01") == true)
        #expect(Catalog.farDateProblem(Draft(type: "meeting.held", occurred: today, payload: [:]), today: today) == nil)
    }

    @Test func textIsBoundedAtTwoThousandCharactersNotBytes() {
        #expect(Catalog.check(.string(String(repeating: "a", count: 2000)), .text) == nil)
        #expect(Catalog.check(.string(String(repeating: "a", count: 2001)), .text) != nil)
        // 2,000 characters of two bytes each: 4,000 bytes, still within the bound.
        #expect(Catalog.check(.string(String(repeating: "é", count: 2000)), .text) == nil)
        #expect(Catalog.check(.string(String(repeating: "é", count: 2001)), .text) != nil)
    }

    @Test func aCorrectionThatChangesThePayloadIsJudgedOnItsNewShape() {
        let e = Envelope(
            id: .v7(), type: EventType.protectionActionRecorded.name, caseID: "MX-2015-0001", actor: "MX",
            occurred: Timestamp(parsing: "2015-06-01")!,
            payload: ["kind": "consular_visit", "details": .string(Words.commitment(salt: Words.newSalt(), text: "visit"))])
        var f = Fact(seq: 1, recorded: Timestamp(parsing: "2015-06-02")!, envelope: e)
        #expect(f.isWellFormed)
        f.payload["details"] = " "
        #expect(!f.isWellFormed)
        // A signed event holds free text as its commitment, never the words themselves.
        f.payload["details"] = "visit again"
        #expect(!f.isWellFormed)
        f.payload["details"] = .string(Words.commitment(salt: Words.newSalt(), text: "visit again"))
        #expect(f.isWellFormed)
        #expect(Catalog.check("visit again", .words, draft: true) == nil)
        #expect(Catalog.check(" ", .words, draft: true) != nil)
        #expect(Catalog.check(.string("hmac-sha256:" + String(repeating: "A", count: 64)), .words) != nil)
    }

    /// A payload is decoded once, by its row, into typed values: a date is a `Timestamp`, an event
    /// id an `EventID`, a list `[String]`, offices a map; a field of another type's row, or a value
    /// that is no value of its kind at all, reads as nil. A malformed act from another node still
    /// reads as its author wrote it where it can (the rules name what it says).
    @Test func aPayloadIsReadByTypedKeys() {
        func fact(_ type: EventType, case caseID: String? = nil, _ payload: [String: JSONValue]) -> Fact {
            Fact(
                seq: 1, recorded: Timestamp(parsing: "2016-01-02")!,
                envelope: Envelope(id: .v7(), type: type.name, caseID: caseID, actor: "MX", occurred: Timestamp(parsing: "2016-01-01")!, payload: payload))
        }
        let force = fact(.enteredIntoForce, ["date": "2015-11-09", "text_version": "v1"])
        #expect(force.isWellFormed)
        #expect(force[.date] == Timestamp(parsing: "2015-11-09"))
        #expect(force[.textVersion] == "v1")
        #expect(force[.effective] == nil)  // not a field of this row
        let claim = EventID.v7()
        let paid = fact(.reimbursed, case: "MX-2015-0001", ["claim": .string(claim.description)])
        #expect(paid[.claim] == claim)
        let offices = fact(.networkDeclared, ["offices": [["country": "CR", "cities": ["San José", "Liberia"]], ["country": "PA"]]])
        #expect(offices[.offices] == ["CR": ["San José", "Liberia"], "PA": []])
        let held = fact(.meetingHeld, ["meeting": "2015-11-09-mexico-city", "participants": ["MX", "CR"]])
        #expect(held[.participants] == ["MX", "CR"])
        #expect(held[.observers] == nil)
        let bad = fact(.enteredIntoForce, ["date": "9 Nov 2015", "text_version": "v1"])
        #expect(!bad.isWellFormed)
        #expect(bad[.date] == nil)
        let offer = fact(.assistingStateSelected, case: "MX-2015-0001", ["state": "ZZ"])
        #expect(!offer.isWellFormed)
        #expect(offer[.state] == "ZZ")
        var corrected = fact(.joinedAgreement, ["effective": "2015-01-01"])
        corrected.payload["effective"] = "2015-02-01"
        #expect(corrected[.effective] == Timestamp(parsing: "2015-02-01"))
    }

    static func slowCaseID(_ text: String) -> (String, Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[0].allSatisfy({ $0.isUppercase && $0.isASCII }),
            parts[1].count == 4, let year = Int(parts[1]), parts[2].count == 4, let serial = Int(parts[2]), serial > 0
        else { return nil }
        return (String(parts[0]), year, serial)
    }

    @Test func caseIDsReadFromBytesAgreeWithTheSplitBasedReading() {
        var samples = ["MX-2015-0001", "MX-2015-0000", "mx-2015-0001", "MX-2015-001", "MX-+015-0001", "MX-2015-+001", "ÉX-2015-0001", "MX-2015-00011"]
        var random = SeededRandom(seed: 9)
        let alphabet = Array("MXa0159-+ ")
        for _ in 0..<20000 {
            samples.append(String((0..<Int(10 + random.next() % 4)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        for s in samples {
            let fast = CaseID(s).map { ($0.state, $0.year, $0.serial) }
            let slow = TextCheckTests.slowCaseID(s)
            #expect(fast?.0 == slow?.0 && fast?.1 == slow?.1 && fast?.2 == slow?.2, "\(s)")
        }
    }
}
