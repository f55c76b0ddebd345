import Agreement
import L10n
import Ledger
import Reports
import Service
import Testing

@Suite("The string catalogs, Spanish and English")
struct CatalogTests {
    @Test("every key is in both catalogs, once")
    func sameKeys() {
        let en = Catalogs.keys(.en)
        let es = Catalogs.keys(.es)
        #expect(Set(en).count == en.count, "duplicate keys in the English catalog")
        #expect(Set(es).count == es.count, "duplicate keys in the Spanish catalog")
        #expect(Set(en).subtracting(es).sorted() == [], "missing in Spanish")
        #expect(Set(es).subtracting(en).sorted() == [], "missing in English")
    }

    @Test("every rule, event type, status, category, outcome, force and Member State has its words in both languages")
    func vocabulary() {
        for language in Language.allCases {
            let t = Localizer(language)
            for rule in RuleID.allCases { #expect(t.has("rule." + rule.rawValue), "\(language) rule.\(rule)") }
            for type in EventType.allCases { #expect(t.has("event." + type.name), "\(language) event.\(type.name)") }
            for s in CaseStatus.allCases { #expect(t.has("status." + s.rawValue), "\(language) status.\(s)") }
            for c in Codes.categories { #expect(t.has("category." + c)) }
            for o in Codes.outcomes + ["open"] { #expect(t.has("outcome." + o), "\(language) outcome.\(o)") }
            for f in Force.allCases { #expect(t.has("force." + f.rawValue)) }
            for s in Codes.memberStates + [Codes.secretariat, Codes.iom] { #expect(t.has("country." + s)) }
            for m in 1...12 { #expect(t.has("month.\(m)")) }
        }
    }

    @Test("each sentence has the same placeholders in both languages")
    func placeholders() {
        func names(_ text: String) -> Set<String> {
            var out = Set<String>()
            var rest = text[...]
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                out.insert(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            return out
        }
        let en = Localizer(.en)
        let es = Localizer(.es)
        for key in Catalogs.keys(.en) { #expect(names(en(key)) == names(es(key)), "\(key)") }
    }

    @Test("every breach verify finds in the demo ledger reads in Spanish with every placeholder filled, and in English as the rule wrote it")
    func breachesInSpanish() throws {
        let report = try Audit.verify(try EventLog.open(path: Demo.path))
        #expect(report.breaches.count == 10)
        let es = Localizer(.es)
        for b in report.breaches {
            let text = es.breach(b)
            #expect(!text.contains("⟦") && !text.contains("{") && !text.contains("}"), "\(text)")
            #expect(Localizer(.en).breach(b) == b.message)
            if let said = b.sentence {
                #expect(b.message.hasSuffix(said.english), "\(b.message)")
                #expect(text.hasSuffix(said.render(es)))
            }
        }
    }

    @Test("the English rule sentences are the rule catalog's own summaries")
    func englishRules() {
        let t = Localizer(.en)
        for rule in Rules.catalog { #expect(t("rule." + rule.id.rawValue) == rule.summary, "\(rule.id)") }
    }

    @Test("the Spanish names of States carry their accents; dates read as the seeds write them")
    func spanish() {
        let t = Localizer(.es)
        #expect(t.name("MX") == "México")
        #expect(t.name("PA") == "Panamá")
        #expect(t.name("BZ") == "Belice")
        #expect(t.name("CA") == "Canadá")
        #expect(t.name("DO") == "República Dominicana")
        #expect(t.longDate("2015-11-09") == "9 de noviembre de 2015")
        #expect(Localizer(.en).longDate("2015-11-09") == "9 November 2015")
        #expect(t.list(["Canadá", "México", "Panamá"]) == "Canadá, México y Panamá")
        // A country outside the catalog has its Spanish name from the CLDR, never a bare code;
        // in English the country table's.
        #expect(t.name("FR") == "Francia" && t.name("KR") == "Corea del Sur" && t.name("TT") == "Trinidad y Tobago")
        #expect(Localizer(.en).name("TT") == "Trinidad and Tobago")
        #expect(t.regionName("MX") == "México" && Localizer(.en).regionName("FR") == nil && t.regionName("ZZZ") == nil)
    }

    @Test("a missing key is marked, never a crash; placeholders are filled by name")
    func lookup() {
        let t = Localizer(.en)
        #expect(t("no.such.key") == "⟦no.such.key⟧")
        #expect(t("error.period", ["from": "2016-01-01", "to": "2015-01-01"]) == "The period starts (2016-01-01) after it ends (2015-01-01).")
        #expect(t.count(1, "case.findings") == "1 finding in this case.")
        #expect(t.count(2, "case.findings") == "2 findings in this case.")
        #expect(t.count(0, "case.findings") == "0 findings in this case.")
    }

    @Test("the language of the environment: LC_ALL, then LC_MESSAGES, then LANG; English otherwise")
    func environment() {
        #expect(Language.fromEnvironment([:]) == .en)
        #expect(Language.fromEnvironment(["LANG": "es_MX.UTF-8"]) == .es)
        #expect(Language.fromEnvironment(["LANG": "es_MX.UTF-8", "LC_ALL": "en_US.UTF-8"]) == .en)
        #expect(Language.fromEnvironment(["LANG": "en_US.UTF-8", "LC_MESSAGES": "es_ES"]) == .es)
        #expect(Language.fromEnvironment(["LC_ALL": "", "LANG": "es"]) == .es)
        #expect(Language.fromEnvironment(["LANG": "C.UTF-8"]) == .en)
        #expect(Language.fromAcceptLanguage("es-419") == .es)
        #expect(Language.fromAcceptLanguage("en;q=0.9, es;q=0.9") == .en)
        #expect(Language.fromAcceptLanguage("es;q=0, en;q=0.1") == .en)
        #expect(Language.fromAcceptLanguage("de, fr") == nil)
        #expect(Language.fromAcceptLanguage("es;q=0") == nil)
        #expect(Language.fromAcceptLanguage("es;q=0.001") == .es)
        #expect(Language.fromAcceptLanguage("es;q=abc") == .es)
    }
}
