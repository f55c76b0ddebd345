import Foundation
import TestSupport
import Testing

@Suite("--lang: the command line in Spanish and English")
struct LanguageTests {
    static let demo: String = {
        let dir = (try? TestSupport.temporaryDirectory("amparo-lang")) ?? NSTemporaryDirectory()
        _ = try? TestSupport.run(["demo", "--ledger", dir + "/demo", "--quiet"])
        return dir + "/demo"
    }()

    func run(_ args: [String], env: [String: String] = [:]) throws -> TestSupport.Result {
        try TestSupport.run(args + ["--ledger", Self.demo], environment: env)
    }

    @Test("the meeting report in Spanish follows the seeds' Spanish reports; --lang wins over the locale, LC_ALL over LANG")
    func report() throws {
        let meeting = ["report", "meeting", "2015-11-09-mexico-city", "--quiet"]
        let es = try run(meeting + ["--lang", "es"])
        #expect(es.status == 0)
        #expect(es.stdout.hasPrefix("# Informe de la Reunión de la Red de Funcionarios de Enlace para la Protección Consular\n"))
        #expect(es.stdout.contains("La Red presenta su informe de la siguiente manera:"))
        #expect(es.stdout.contains("**9 de noviembre de 2015**"))
        #expect(es.stdout.contains("Panamá y Estados Unidos"))
        #expect(!es.stdout.contains("⟦"))
        let html = try run(meeting + ["--lang", "es", "--format", "html"])
        #expect(html.stdout.contains("<html lang=\"es\">"))
        let json = try run(meeting + ["--lang", "es", "--format", "json"])
        #expect(json.stdout.contains("\"title\":\"Casos por categoría, desde el inicio del mecanismo\""))
        #expect(json.stdout.contains("\"meeting\":\"2015-11-09-mexico-city\""))
        #expect(try run(meeting, env: ["LANG": "es_MX.UTF-8"]).stdout.hasPrefix("# Informe de la Reunión"))
        #expect(try run(meeting, env: ["LANG": "es_MX.UTF-8", "LC_ALL": "en_US.UTF-8"]).stdout.hasPrefix("# Report of the Meeting"))
        #expect(try run(meeting + ["--lang", "en"], env: ["LANG": "es_MX.UTF-8"]).stdout.hasPrefix("# Report of the Meeting"))
        #expect(try run(meeting).stdout.hasPrefix("# Report of the Meeting"))
    }

    @Test("workload, cases, case show, replay and verify print their labels and the rules' sentences in Spanish")
    func views() throws {
        let workload = try run(["workload", "--quiet", "--lang", "es"])
        #expect(workload.stdout.hasPrefix("Carga de trabajo: todos los casos (40 casos;"))
        #expect(workload.stdout.contains("Belice"))
        let cases = try run(["cases", "--quiet", "--lang", "es"])
        #expect(cases.stdout.hasPrefix("CASO "))
        #expect(cases.stdout.contains("presentado en reunión"))
        let show = try run(["case", "show", "CA-2014-0001", "--lang", "es"])
        #expect(show.stdout.contains("Estado solicitante: Canadá (CA)"))
        #expect(show.stdout.contains("Artículo 5, párrafo 1 (deberá): México registró orientación legal el 2014-10-07, fuera del alcance acordado"))
        // Open obligations in Spanish; the same in English as before the catalogs.
        let owed = try run(["case", "show", "BZ-2016-0003", "--lang", "es"])
        #expect(owed.stdout.contains("  - vencido: reembolso de 420.00 USD solicitado por República Dominicana el 2016-01-26 a Belice"))
        // Due 12 months after the claim, the same day (2017-01-26): it read 365 days later,
        // 2017-01-25 across 29 February 2016, before the one definition in Agreement.
        #expect(
            try run(["case", "show", "BZ-2016-0003"]).stdout.contains(
                "  - overdue: reimbursement of 420.00 USD claimed by the Dominican Republic on 2016-01-26 from Belize, due by 2017-01-26"))
        #expect(
            try run(["case", "show", "SV-2017-0001", "--lang", "es"]).stdout.contains("vencido: debía presentarse en la reunión del 2017-11-13 en Tegucigalpa"))
        let rules = try TestSupport.run(["catalog", "rules", "--lang", "es"])
        #expect(rules.stdout.hasPrefix("# Catálogo de reglas"))
        #expect(
            rules.stdout.contains(
                "| `ART6-PRIOR-REQUEST` | Artículo 6 | no podrá | se brinda protección antes de enviar a ese Estado una nota de solicitud formal |"))
        let localeOnly = try TestSupport.run(["catalog", "rules"], environment: ["LANG": "es_MX.UTF-8"])
        #expect(localeOnly.stdout.hasPrefix("# ") && !localeOnly.stdout.contains("Catálogo"))
        let replay = try run(["replay", "CA-2014-0001", "--lang", "es"])
        #expect(replay.stdout.hasPrefix("repetición del caso CA-2014-0001: 12 eventos"))
        #expect(replay.stdout.contains("INCUMPLIMIENTO seq 83"))
        #expect(replay.stdout.contains("1 incumplimiento"))
        let verify = try run(["verify", "--quiet", "--lang", "es"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("revisados: 10 incumplimientos"))
        #expect(verify.stdout.contains("caso CA-2014-0001:"))
        #expect(verify.stdout.contains("Canadá registró una visita consular el 2015-12-01 antes de que México le enviara una nota de solicitud formal."))
        for out in [workload, cases, show, replay, verify] { #expect(!out.stdout.contains("⟦")) }
        // JSON does not change with the language.
        #expect(try run(["verify", "--quiet", "--format", "json", "--lang", "es"]).stdout == (try run(["verify", "--quiet", "--format", "json"])).stdout)
    }

    @Test("a language that is not es or en is a usage error, exit 2, naming the flag")
    func badLanguage() throws {
        for args in [["cases", "--lang", "fr"], ["report", "meeting", "2015-11-09-mexico-city", "--lang", "ES"], ["verify", "--lang", ""]] {
            let r = try run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("--lang") && r.stderr.contains("is not es or en"), "\(r.stderr)")
        }
    }
}
