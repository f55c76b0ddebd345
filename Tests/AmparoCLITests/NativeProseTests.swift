import Foundation
import L10n
import Ledger
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

    @Test("every count reads right with 0, 1 and 2 in both languages; no other sentence puts a number before a plural noun")
    func plurals() throws {
        let pluralNouns =
            #"\b1 (events|eventos|findings|hallazgos|cases|casos|days|días|hashes|rules|reglas|States|Estados|acts|actos|meetings|reuniones|claims|solicitudes)\b"#
        for language in [Language.en, .es] {
            let t = Localizer(language)
            let keys = Catalogs.keys(language)
            // A counted key's forms take {n} (`msg.authority.other` is "another State", not a count).
            let ones = Set(keys.filter { $0.hasSuffix(".one") }.map { String($0.dropLast(4)) })
            let others = Set(keys.filter { $0.hasSuffix(".other") && t($0).contains("{n}") }.map { String($0.dropLast(6)) })
            #expect(ones == others, "\(language): \(ones.symmetricDifference(others))")
            #expect(ones.count >= 8)
            for base in ones {
                #expect(t.count(0, base) == t(base + ".other", ["n": "0"]))
                #expect(t.count(1, base) == t(base + ".one", ["n": "1"]))
                #expect(t.count(2, base) == t(base + ".other", ["n": "2"]))
                #expect(t.count(1, base).range(of: pluralNouns, options: .regularExpression) == nil, "\(language) \(base): \(t.count(1, base))")
            }
            // Every other sentence, each placeholder filled with 1: no "1 events". A suppression
            // threshold shown is at least 2, and a fork names two sizes.
            for key in keys where !key.hasSuffix(".other") {
                let text = t(key, ["min": "2", "sizes": "3, 5"])
                    .replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "1", options: .regularExpression)
                #expect(text.range(of: pluralNouns, options: .regularExpression) == nil, "\(language) \(key): \(text)")
            }
        }
        let dashboard = Localizer(.es)("verify.findings", ["findings": Localizer(.es).count(1, "count.finding"), "events": "1 evento", "age": "hace 1 día"])
        #expect(dashboard == "1 hallazgo tras verificar 1 evento, hace 1 día:")
    }

    @Test("in Spanish a request is registered (registrada) and a case presented at a meeting (presentado): the verbs never share a word")
    func filedAndPresented() throws {
        let t = Localizer(.es)
        for key in [
            "status.filed", "event.case.request_filed", "report.filed.one", "report.filed.other", "report.filed.few", "report.filed.withheld",
            "workload.period.from", "workload.period.to", "workload.period.from_to", "msg.party.filed", "msg.lifecycle.filed_again", "rule.ART9-IN-FORCE",
            "cases.filed", "filter.from", "table.filed",
        ] {
            #expect(!t(key).contains("present"), "\(key): \(t(key))")
        }
        let report = try run(["report", "meeting", "2015-11-09-mexico-city", "--quiet", "--lang", "es"]).stdout
        #expect(report.contains("Se registraron 10 casos en el periodo"), "\(report)")
    }

    @Test("a report closes with the Network's next meeting (place and date) when the ledger knows one, in every format; names no command")
    func nextMeetingAndNoCommand() throws {
        let meeting = ["report", "meeting", "2015-11-09-mexico-city", "--quiet"]
        let en = try run(meeting).stdout
        #expect(en.contains("\n\nThe Network's next meeting: 16 May 2016, Guatemala City, Guatemala.\n\n---\n"), "\(en.suffix(700))")
        let es = try run(meeting + ["--lang", "es"]).stdout
        #expect(es.contains("Próxima reunión de la Red: 16 de mayo de 2016, Guatemala City, Guatemala."))
        let html = try run(meeting + ["--format", "html"]).stdout
        #expect(
            html.contains("<p class=\"next-meeting\">The Network&#39;s next meeting: 16 May 2016")
                || html.contains("<p class=\"next-meeting\">The Network's next meeting: 16 May 2016"))
        let json = try JSONParser.parse(try run(meeting + ["--format", "json"]).stdout)
        #expect(json["next_meeting"]?["meeting"]?.stringValue == "2016-05-16-guatemala-city")
        // The last meeting the ledger knows has none after it.
        let last = try run(["report", "meeting", "2018-11-12-santo-domingo", "--quiet"]).stdout
        #expect(!last.contains("The Network's next meeting"))
        let lastJSON = try JSONParser.parse(try run(["report", "meeting", "2018-11-12-santo-domingo", "--quiet", "--format", "json"]).stdout)
        #expect(lastJSON["next_meeting"] == .null)
        for text in [en, es, html] { #expect(!text.contains("amparo ")) }
    }

    @Test("published prose writes dates out; tables, the command line's sentences and JSON keep ISO")
    func proseDates() throws {
        let es = Localizer(.es, prose: true)
        let en = Localizer(.en, prose: true)
        #expect(es.proseValue("2016-11-05") == "5 de noviembre de 2016")
        #expect(en.proseValue("2017-08-24") == "24 August 2017")
        #expect(en.proseValue("2015-06-30T15:00:00Z") == "30 June 2015, 15:00 UTC")
        #expect(es.proseValue("2015-06-30T15:00:07Z") == "30 de junio de 2015, a las 15:00:07 UTC")
        for text in ["2015-11-09-mexico-city", "CA-2014-0003", "483.00", "2015-13", "20151109", "2015-11-09T15:00:00+01:00"] {
            #expect(en.proseValue(text) == text)
        }
        #expect(Localizer(.en).proseValue("2016-11-05") == "2016-11-05")
        let meeting = ["report", "meeting", "2015-11-09-mexico-city", "--quiet"]
        let report = try run(meeting + ["--lang", "es"]).stdout
        #expect(report.contains("El Salvador registró el 2 de julio de 2015 un costo de 483.00 USD"))
        let prose = report.split(separator: "\n").filter { !$0.hasPrefix("|") }
        for line in prose {
            #expect(line.range(of: #"\b\d{4}-\d{2}-\d{2}\b(?!-)"#, options: .regularExpression) == nil, "\(line)")
        }
        let json = try run(meeting + ["--format", "json"]).stdout
        #expect(json.contains("recorded on 2015-07-02 a cost"))
        let verify = try run(["verify", "--case", "SV-2015-0001"]).stdout
        #expect(verify.contains("recorded on 2015-07-02 a cost"), "\(verify)")
    }

    @Test(
        "case present needs no text the ledger knows: the report states category, country, scope, acts and assisting State in the reader's language, then the officer's words as written"
    )
    func presentationFacts() throws {
        let n = try DailyUseTests.caseNode()
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select", "--case", "MX-2015-0001", "--occurred", "2015-04-03", "--state", "US"])
        try n.act("MX", ["case", "request", "--case", "MX-2015-0001", "--occurred", "2015-04-04", "--to", "US", "--note", "NV-1", "--mission", "Nassau"])
        try n.act(
            "US",
            [
                "case", "agree", "--case", "MX-2015-0001", "--occurred", "2015-04-05", "--request-note", "NV-1", "--reply-note", "NV-2", "--scope",
                "consular_visit,legal_orientation", "--procedures", "p",
            ])
        try n.act("US", ["case", "act", "--case", "MX-2015-0001", "--occurred", "2015-04-06", "--kind", "consular_visit", "--details", "visit"])
        try n.act("MX", ["case", "conclude", "--case", "MX-2015-0001", "--occurred", "2015-06-30", "--outcome", "protected", "--summary", "s"])
        try n.act("RCM-TS", ["meeting", "schedule", "--occurred", "2015-07-01", "--date", "2015-11-09", "--city", "Mexico City", "--country", "MX"])
        try n.act("RCM-TS", ["meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US"])
        // Only the meeting and the lessons: nothing the ledger already knows is typed.
        try n.act(
            "MX", ["case", "present", "--case", "MX-2015-0001", "--occurred", "2015-11-09T12:00:00Z", "--meeting", "2015-11-09-mexico-city", "--lessons", "l"])
        let es = try n.run(["report", "meeting", "2015-11-09-mexico-city", "--quiet", "--lang", "es"]).stdout
        #expect(es.contains("Naturaleza de la situación: otra situación en Bahamas."), "\(es)")
        #expect(es.contains("Protección consular requerida: una visita consular y orientación legal (el alcance acordado)."), "\(es)")
        #expect(es.contains("Protección consular brindada: una visita consular, por Estados Unidos."), "\(es)")
        #expect(!es.contains("Según la presentación"))
        // An officer's words follow the facts, as written.
        let n2 = try DailyUseTests.caseNode()
        try n2.act("MX", ["case", "conclude", "--case", "MX-2015-0001", "--occurred", "2015-06-30", "--outcome", "protected", "--summary", "s"])
        try n2.act("RCM-TS", ["meeting", "schedule", "--occurred", "2015-07-01", "--date", "2015-11-09", "--city", "Mexico City", "--country", "MX"])
        try n2.act("RCM-TS", ["meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US"])
        try n2.act(
            "MX",
            [
                "case", "present", "--case", "MX-2015-0001", "--occurred", "2015-11-09T12:00:00Z", "--meeting", "2015-11-09-mexico-city", "--lessons", "l",
                "--nature", "a storm hit Nassau", "--record-violations",
            ])
        let en = try n2.run(["report", "meeting", "2015-11-09-mexico-city", "--quiet"]).stdout
        #expect(en.contains("Nature of the situation: another situation in Bahamas. As presented: a storm hit Nassau."), "\(en)")
    }
}
