import Agreement
import Ledger
import Testing

/// The personal-data screen: what it finds, what it lets through, and that it never echoes.
@Suite("Personal-data screen")
struct ScreenTests {
    func kinds(_ text: String, terms: [String] = []) -> [String] {
        PersonalDataScreen.findings(in: text, field: "lessons", terms: terms).map(\.kind)
    }

    @Test("every pattern compiles")
    func patterns() { #expect(PersonalDataScreen.patternCount == 6) }

    @Test(
        "finds e-mail addresses, telephone numbers, document numbers and dates of birth",
        arguments: [
            ("write to juan.perez@example.com", "an e-mail address"),
            ("call +52 55 1234 5678 after six", "a telephone number"),
            ("call (505) 2266 1234", "a telephone number"),
            ("reached at 555-123-4567", "a telephone number"),
            ("Juan Pérez García, passport G1234567 was helped.", "an identity-document number"),
            ("pasaporte n.º 12AB34567 renewed", "an identity-document number"),
            ("CURP PEGJ800101HDFRRN09 on file", "an identity-document number"),
            ("national id 123456789 recorded", "an identity-document number"),
            ("born on 3 March 1990 in Tegucigalpa", "a date of birth"),
            ("fecha de nacimiento: 03/03/1990", "a date of birth"),
            ("DOB 1990-03-03", "a date of birth"),
        ])
    func finds(text: String, kind: String) {
        #expect(kinds(text).contains(kind), "\(text): \(kinds(text))")
    }

    @Test(
        "lets the Network's ordinary words through: case ids, notes, dates of acts, amounts, offices",
        arguments: [
            "consular visit, family tracing and accompaniment for an unaccompanied adolescent",
            "case MX-2015-0001 was presented on 2015-11-09; note MX-NV-2015-118 answered by US-NV-77",
            "costs of 1250.00 USD were borne by IOM", "the embassy in San José visited on 2015-04-06 at 10:00",
            "humanitarian aid and documentation after a hurricane", "verbal notes answered within two days",
            "flight AA 1234 on 12 March", "weekly reports to the focal point", "2 adults, 3 children",
        ])
    func passes(text: String) {
        #expect(kinds(text).isEmpty, "\(text): \(kinds(text))")
    }

    @Test("the case's vault entries are found as whole words, case and accents folded; the finding never echoes them")
    func vaultTerms() {
        let terms = PersonalDataScreen.terms(fromVaultEntry: ["names": ["Ana Pérez García"], "contacts": ["Calle 5 #12, Tegucigalpa"]])
        #expect(terms.contains("Pérez") && terms.contains("García") && terms.contains("Ana Pérez García"))
        #expect(!terms.contains("Ana"), "a part of fewer than four letters is too common to screen alone")
        #expect(!terms.contains("names") && !terms.contains("contacts"), "the entry's keys are not personal data")
        let found = PersonalDataScreen.findings(in: "the PEREZ family was reunited", field: "summary", terms: terms)
        #expect(found.map(\.sentence) == ["field \"summary\" holds personal data of this case held in the vault"])
        #expect(PersonalDataScreen.findings(in: "the perezoso was reunited", field: "summary", terms: terms).isEmpty)
        #expect(!found.map(\.sentence).joined().lowercased().contains("perez"))
    }

    @Test("only case events are screened, and only their free text")
    func scope() {
        #expect(PersonalDataScreen.findings(type: .focalPointDesignated, payload: ["email": "fp@sre.example"], terms: []).isEmpty)
        let filed = PersonalDataScreen.findings(
            type: .requestFiled, payload: ["location_city": "Nassau", "protection_required": "visit; call +1 242 555 0100"], terms: [])
        #expect(filed == [.init(field: "protection_required", kind: "a telephone number")])
        let corrected = PersonalDataScreen.findings(
            type: .corrected, payload: ["fields": ["details": "write to a@b.org"], "reason": "r", "event": "x"], terms: [])
        #expect(corrected.map(\.field) == ["fields"])
    }
}
