import Foundation
import L10n
import TestSupport
import Testing

/// Issue 26: the published texts read as the Network writes, in Spanish and in English.
@Suite("Native prose in both languages")
struct NativeProseTests {
    func run(_ args: [String]) throws -> TestSupport.Result {
        try TestSupport.run(args + ["--ledger", LanguageTests.demo])
    }

    @Test("organisations have their names in each language: OIM, ACNUR, RROCM in Spanish; IOM, UNHCR, RNCOM in English; an unknown one as recorded")
    func organisations() throws {
        let es = Localizer(.es)
        let en = Localizer(.en)
        #expect(["IOM", "UNHCR", "RNCOM", "ICRC"].map(es.organisation) == ["OIM", "ACNUR", "RROCM", "CICR"])
        #expect(["OIM", "acnur", "RROCM", "CICR"].map(en.organisation) == ["IOM", "UNHCR", "RNCOM", "ICRC"])
        #expect(es.organisation("Cruz Roja Hondureña") == "Cruz Roja Hondureña")
        let meeting = ["report", "meeting", "2015-11-09-mexico-city", "--quiet"]
        let spanish = try run(meeting + ["--lang", "es"]).stdout
        #expect(spanish.contains("observadores: OIM, ACNUR y RROCM."), "\(spanish.prefix(900))")
        let english = try run(meeting + ["--lang", "en"]).stdout
        #expect(english.contains("observers: IOM, UNHCR and RNCOM."))
    }
}
