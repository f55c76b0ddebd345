import Agreement
import Bundles
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import L10n
import Ledger
import Projections
import Reports
import TestSupport
import Testing

@testable import Console

/// The demo ledger (`amparo demo`, 40 cases, 10 planted breaches), built once for these tests.
enum Demo {
    static let path: String = {
        let dir = (try? TestSupport.temporaryDirectory("amparo-console")) ?? NSTemporaryDirectory()
        let ledger = dir + "/demo"
        _ = try? TestSupport.run(["demo", "--ledger", ledger, "--quiet"])
        return ledger
    }()

    static func console(_ configure: (inout ConsoleConfiguration) -> Void = { _ in }) throws -> Console {
        var config = ConsoleConfiguration()
        configure(&config)
        return Console(log: try EventLog.open(path: path), configuration: config)
    }
}

extension TestClientProtocol {
    /// GET `uri`: status, headers and body as text.
    func get(_ uri: String, _ headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await execute(uri: uri, method: .get, headers: headers) { r in (r.status, r.headers, String(buffer: r.body)) }
    }
}

@Suite("The console's routes")
struct RouteTests {
    @Test("the dashboard shows the log's size, the last checkpoint, verify's findings, open cases and the workload, with the security headers")
    func dashboard() async throws {
        let console = try Demo.console()
        console.verifyIfGrown()
        let size = try console.log.size()
        try await Application(router: console.router()).test(.router) { client in
            let r = try await client.get("/")
            #expect(r.status == .ok)
            #expect(r.body.contains("<dd id=\"log-size\">\(size)</dd>"))
            #expect(r.body.contains("10 findings after verifying \(size) events"))
            #expect(r.body.contains("ART5-SCOPE"))
            #expect(r.body.contains("id=\"workload-table\""))
            #expect(r.body.contains("<svg"))
            #expect(!r.body.contains("⟦"))
            #expect(r.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("frame-ancestors 'none'") == true)
            #expect(r.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("'unsafe-inline'") == false)
            #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            // No inline script on any page: the CSP would block it.
            #expect(!r.body.contains("<script>"))
        }
    }

    @Test("the dashboard and /api/verify show every origin this node holds fork evidence of (issue 21), in both languages")
    func forks() async throws {
        // A copy of the demo ledger that received evidence that another node signed two histories.
        let dir = try TestSupport.temporaryDirectory("console-forks")
        try FileManager.default.copyItem(atPath: Demo.path, toPath: dir + "/demo")
        let liar = LedgerFixture.testKey("liar.example/node", 41)
        let notes = try [1, 2].map { try Checkpoint(origin: "liar.example/node", size: 7, root: [UInt8](repeating: $0, count: 32)).signed(by: liar).serialized }
        let evidence = ForkEvidence(origin: "liar.example/node", originKey: liar.verifierKey.description, checkpoints: notes, index: nil)
        try Data(EvidenceFile.encode([evidence])).write(to: URL(fileURLWithPath: dir + "/fork.evidence"))
        let stored = try TestSupport.run(["evidence", "import", "--ledger", dir + "/demo", dir + "/fork.evidence"])
        #expect(stored.status == 0, "\(stored.stderr)")
        let console = Console(log: try EventLog.open(path: dir + "/demo"), configuration: ConsoleConfiguration())
        console.verifyIfGrown()
        try await Application(router: console.router()).test(.router) { client in
            let page = try await client.get("/")
            #expect(page.body.contains("<section id=\"forks\">"), "\(page.body.prefix(2000))")
            #expect(page.body.contains("liar.example/node signed two histories: checkpoints of 7 and 7 events"))
            let es = try await client.get("/?lang=es")
            #expect(es.body.contains("liar.example/node firmó dos historiales"))
            let api = try JSONParser.parse(Array((try await client.get("/api/verify")).body.utf8))
            #expect(api["forks"]?.arrayValue?.compactMap(\.stringValue) == ["liar.example/node"])
            #expect(api["status"]?.stringValue == "findings")
        }
        // The demo's own console shows no such section.
        try await Application(router: try Demo.console().router()).test(.router) { client in
            let clean = try await client.get("/")
            #expect(!clean.body.contains("id=\"forks\""))
        }
    }

    @Test("before verify has run, the dashboard says so and the findings filter answers 503")
    func verifyPending() async throws {
        let console = try Demo.console()
        try await Application(router: console.router()).test(.router) { client in
            #expect(try await client.get("/").body.contains("Verify is running for the first time"))
            let r = try await client.get("/api/cases?findings=yes")
            #expect(r.status == .serviceUnavailable)
            #expect(r.body.contains("\"error\":"))
        }
    }

    @Test("cases filter by State, status, category, period and findings, and page")
    func caseFilters() async throws {
        let console = try Demo.console { $0.pageSize = 7 }
        console.verifyIfGrown()
        try await Application(router: console.router()).test(.router) { client in
            let all = try JSONParser.parse(Array(try await client.get("/api/cases").body.utf8))
            let total = Int(all["total"]?.integerValue ?? 0)
            #expect(total == 40)
            #expect(all["cases"]?.arrayValue?.count == 7)
            let page6 = try JSONParser.parse(Array(try await client.get("/api/cases?page=6").body.utf8))
            #expect(page6["cases"]?.arrayValue?.count == 5)
            let past = try JSONParser.parse(Array(try await client.get("/api/cases?page=7").body.utf8))
            #expect(past["cases"]?.arrayValue?.count == 0)

            let mx = try JSONParser.parse(Array(try await client.get("/api/cases?requesting=MX").body.utf8))
            for c in mx["cases"]?.arrayValue ?? [] { #expect(c["requesting"]?.stringValue == "MX") }
            #expect((mx["total"]?.integerValue ?? 0) > 0)

            let withFindings = try JSONParser.parse(Array(try await client.get("/api/cases?findings=yes").body.utf8))
            let ids = Set((withFindings["cases"]?.arrayValue ?? []).compactMap { $0["case"]?.stringValue })
            #expect(ids.contains("CA-2014-0001"))
            let without = try JSONParser.parse(Array(try await client.get("/api/cases?findings=no").body.utf8))
            #expect((withFindings["total"]?.integerValue ?? 0) + (without["total"]?.integerValue ?? 0) == Int64(total))

            // The period is inclusive at both ends: a case filed on the day is in it.
            let day = try JSONParser.parse(Array(try await client.get("/api/cases?from=2014-09-28&to=2014-09-28").body.utf8))
            #expect(day["cases"]?.arrayValue?.compactMap { $0["case"]?.stringValue }.contains("CA-2014-0001") == true)
            let after = try JSONParser.parse(Array(try await client.get("/api/cases?from=2014-09-29&to=2014-09-29").body.utf8))
            #expect(after["cases"]?.arrayValue?.compactMap { $0["case"]?.stringValue }.contains("CA-2014-0001") == false)

            let page = try await client.get("/cases?category=natural_disaster&page=1")
            #expect(page.status == .ok)
            #expect(page.body.contains("<option value=\"natural_disaster\" selected>"))
            #expect(page.body.contains("rel=\"next\"") || !page.body.contains("rel=\"prev\""))
        }
    }

    @Test("every bad filter is a 400 that says what is wrong, as a page and as JSON")
    func badFilters() async throws {
        let console = try Demo.console()
        try await Application(router: console.router()).test(.router) { client in
            for (query, says) in [
                ("requesting=XX", "not a Member State"), ("assisting=mx", "not a Member State"), ("status=open", "not a case status"),
                ("category=war", "not a category"), ("from=2015-13-01", "not a date"), ("to=yesterday", "not a date"),
                ("from=2016-01-01&to=2015-01-01", "starts (2016-01-01) after it ends"), ("findings=maybe", "yes or no"),
                ("page=0", "page must be"), ("page=-1", "page must be"), ("page=99999999999", "page must be"),
            ] {
                let page = try await client.get("/cases?" + query)
                #expect(page.status == .badRequest, "\(query)")
                #expect(page.body.contains(says), "\(query): \(page.body.prefix(200))")
                #expect(page.body.contains("<!DOCTYPE html>"))
                let api = try await client.get("/api/cases?" + query)
                #expect(api.status == .badRequest)
                #expect(api.headers[.contentType] == "application/json")
                #expect(try JSONParser.parse(Array(api.body.utf8))["status"]?.integerValue == 400)
            }
        }
    }

    @Test("a case page is the auditor's replay: each event, its signer, the state after it, the finding with Article and force, a proof link")
    func casePage() async throws {
        let console = try Demo.console()
        try await Application(router: console.router()).test(.router) { client in
            let r = try await client.get("/cases/CA-2014-0001")
            #expect(r.status == .ok)
            #expect(r.body.contains("1 finding in this case."))
            #expect(r.body.contains("ART5-SCOPE"))
            #expect(r.body.contains("Article 5, paragraph 1 (shall)"))
            #expect(r.body.contains("signed with MX+"))
            #expect(r.body.contains("case after it: in protection"))
            #expect(r.body.contains("<a href=\"/proof/83\">proof of inclusion</a>"))
            let proof = try await client.get("/proof/83")
            #expect(proof.body.contains("amparo prove inclusion 83 --size \(try console.log.size())"))
            #expect(proof.body.contains("id=\"proof-verdict\">Event #83 is in the tree"))
            let es = try await client.get("/cases/CA-2014-0001?lang=es")
            #expect(es.body.contains("Artículo 5, párrafo 1"))
            #expect(es.body.contains("(deberá)"))
            #expect(es.body.contains("México registró orientación legal el 7 de octubre de 2014, fuera del alcance acordado para el caso CA-2014-0001"))
            #expect(!es.body.contains("En inglés"))
            let api = try JSONParser.parse(Array(try await client.get("/api/cases/CA-2014-0001").body.utf8))
            let steps = api["replay"]?.arrayValue ?? []
            #expect(steps.contains { $0["breaches"]?.arrayValue?.first?["rule"]?.stringValue == "ART5-SCOPE" })
            #expect(api["case"]?["case"]?.stringValue == "CA-2014-0001")
            // Each step is `amparo replay --format json`'s, with the path of its proof.
            let replay = try TestSupport.run(["replay", "CA-2014-0001", "--format", "json", "--ledger", Demo.path])
            var cli = try #require(try JSONParser.parse(Array(replay.stdout.utf8)).arrayValue)
            for i in cli.indices {
                var o = try #require(cli[i].objectValue)
                o["proof"] = o["seq"].flatMap(\.integerValue).map { .string("/api/proof/\($0)") } ?? .null
                cli[i] = .object(o)
            }
            #expect(steps == cli)
        }
    }

    @Test("a case id, meeting id or sequence that is not one is a 400; one the ledger lacks is a 404; never a stack trace")
    func badPathSegments() async throws {
        let console = try Demo.console()
        try await Application(router: console.router()).test(.router) { client in
            for (uri, status) in [
                ("/cases/MX-2015-0001x", HTTPResponse.Status.badRequest), ("/cases/%3Cscript%3E", .badRequest), ("/cases/MX-2099-0001", .notFound),
                ("/api/cases/mx-2015-0001", .badRequest), ("/api/cases/MX-2099-0001", .notFound),
                ("/meetings/..%2F..%2Fetc", .badRequest), ("/meetings/2099-01-01-nowhere", .notFound), ("/api/meetings/2099-01-01-nowhere", .notFound),
                ("/meetings/2015-11-09-mexico-city/report.exe", .notFound), ("/proof/0", .badRequest), ("/proof/abc", .badRequest),
                ("/proof/99999999", .notFound), ("/api/proof/18446744073709551616", .badRequest), ("/nowhere", .notFound),
            ] {
                let r = try await client.get(uri)
                #expect(r.status == status, "\(uri): \(r.status)")
                #expect(!r.body.contains("Fatal") && !r.body.contains(".swift:"), "\(uri)")
                #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(uri)")
            }
        }
    }

    @Test("a meeting page is the HTML report in the console, with its Markdown, HTML and JSON downloads, suppressed as published")
    func meetings() async throws {
        let console = try Demo.console { $0.minCell = 5 }
        try await Application(router: console.router()).test(.router) { client in
            let list = try await client.get("/meetings")
            #expect(list.body.contains("/meetings/2015-11-09-mexico-city"))
            let page = try await client.get("/meetings/2015-11-09-mexico-city")
            #expect(page.body.contains("Report of the Meeting of the Liaison Officer Network for Consular Protection"))
            #expect(page.body.contains("<article class=\"report\" id=\"report\">"))
            #expect(page.body.contains("&lt;5"))
            let md = try await client.get("/meetings/2015-11-09-mexico-city/report.md")
            #expect(md.headers[.contentType] == "text/markdown; charset=utf-8")
            #expect(md.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(md.body.hasPrefix("# Report of the Meeting"))
            let json = try await client.get("/api/meetings/2015-11-09-mexico-city")
            #expect(try JSONParser.parse(Array(json.body.utf8))["meeting"]?.stringValue == "2015-11-09-mexico-city")
            let es = try await client.get("/meetings/2015-11-09-mexico-city/report.md?lang=es")
            #expect(es.body.hasPrefix("# Informe de la Reunión de la Red de Funcionarios de Enlace para la Protección Consular"))
            #expect(es.body.contains("La Red presenta su informe de la siguiente manera:"))
            // The standalone HTML may carry exactly its own inline stylesheet, nothing else.
            let html = try await client.get("/meetings/2015-11-09-mexico-city/report.html")
            let csp = html.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
            #expect(csp.contains("'\(MeetingReport.stylesheetHash)'") && !csp.contains("unsafe-inline"))
            let style = try #require(html.body.range(of: "<style>")?.upperBound)
            let end = try #require(html.body.range(of: "</style>")?.lowerBound)
            let digest = Data(SHA256.hash(data: Array(html.body[style..<end].utf8))).base64EncodedString()
            #expect(MeetingReport.stylesheetHash == "sha256-" + digest)
        }
    }

    @Test("the language: ?lang= first (and remembered in a cookie), then the cookie, then Accept-Language, then the default")
    func language() async throws {
        let console = try Demo.console()
        try await Application(router: console.router()).test(.router) { (client: any TestClientProtocol) async throws in
            #expect(try await client.get("/").body.contains("<html lang=\"en\">"))
            #expect(try await client.get("/", [.acceptLanguage: "es-MX,es;q=0.9,en;q=0.5"]).body.contains("<html lang=\"es\">"))
            #expect(try await client.get("/", [.acceptLanguage: "fr, en;q=0.4, es;q=0.8"]).body.contains("<html lang=\"es\">"))
            #expect(try await client.get("/", [.acceptLanguage: "fr"]).body.contains("<html lang=\"en\">"))
            let switched = try await client.get("/cases?status=concluded&lang=es", [.acceptLanguage: "en"])
            #expect(switched.body.contains("<html lang=\"es\">"))
            #expect(switched.headers[.setCookie]?.hasPrefix("amparo_lang=es;") == true)
            #expect(switched.body.contains("href=\"/cases?status=concluded&amp;lang=en\""))
            #expect(try await client.get("/", [.cookie: "amparo_lang=es", .acceptLanguage: "en"]).body.contains("<html lang=\"es\">"))
        }
    }

    @Test("with a token: every request needs `Authorization: Bearer TOKEN`; --public-log opens /checkpoint and /tile/ only")
    func token() async throws {
        let token = "0123456789abcdef0123"
        for publicLog in [false, true] {
            let console = try Demo.console {
                $0.token = Array(token.utf8)
                $0.publicLog = publicLog
            }
            try await Application(router: console.router()).test(.router) { (client: any TestClientProtocol) async throws in
                #expect(try await client.get("/").status == .unauthorized)
                #expect(try await client.get("/", [.authorization: "Bearer " + token + "x"]).status == .unauthorized)
                #expect(try await client.get("/", [.authorization: "Bearer " + token.dropLast()]).status == .unauthorized)
                #expect(try await client.get("/", [.authorization: "Basic " + token]).status == .unauthorized)
                #expect(try await client.get("/api/cases").status == .unauthorized)
                #expect(try await client.get("/", [.authorization: "Bearer " + token]).status == .ok)
                #expect(try await client.get("/checkpoint").status == (publicLog ? .ok : .unauthorized))
                #expect(try await client.get("/tile/0/000").status == (publicLog ? .ok : .unauthorized))
                #expect(try await client.get("/tile/0/000", [.authorization: "Bearer " + token]).status == .ok)
            }
        }
    }
}

@Suite("The dashboard's obligations")
struct ObligationTests {
    func summary(claimed: String, settled: String? = nil, filed: String? = nil) throws -> CaseSummary {
        let claim: JSONValue = .object([
            "claimant": .string("CR"), "from": .string("MX"), "amount": .number(42000), "currency": .string("USD"), "claimed": .string(claimed),
            "settled": settled.map(JSONValue.string) ?? .null,
        ])
        // A stored summary holds every field (null where absent): its decoder refuses less.
        var fields: [String: JSONValue] = Dictionary(
            uniqueKeysWithValues: [
                "assisting", "location_country", "location_city", "category", "outcome", "summary", "scope_agreed", "concluded", "withdrawn",
                "last_acted", "sex", "age_group", "protection_required",
            ].map { ($0, JSONValue.null) })
        fields.merge([
            "case": .string("MX-2016-0001"), "requesting": .string("MX"), "status": .string("in_protection"), "claims": .array([claim]),
            "filed": filed.map(JSONValue.string) ?? .null, "actions": .number(0), "costs": .array([]), "presentations": .array([]),
        ]) { _, new in new }
        return try CaseSummary(json: .object(fields))
    }

    func overdue(_ s: CaseSummary, today: String, terms: ReimbursementTerms = ReimbursementTerms()) -> [String] {
        Obligations(cards: [CaseCard(s)], meetings: [], terms: terms, today: today).groups.first { $0.0 == "obligation.reimbursement" }!.1
    }

    @Test("a reimbursement is overdue from the day after it falls due, 12 months after its claim; a settled one never")
    func reimbursement() throws {
        let s = try summary(claimed: "2016-01-26")
        #expect(overdue(s, today: "2017-01-25") == [])
        #expect(overdue(s, today: "2017-01-26") == [])
        #expect(overdue(s, today: "2017-01-27") == ["MX-2016-0001"])
        #expect(overdue(try summary(claimed: "2016-01-26", settled: "2016-03-01"), today: "2018-01-01") == [])
        // Of several claims, the first to fall due makes the case overdue; a settled older one does not count.
        var several = try summary(claimed: "2016-01-26", settled: "2016-03-01")
        var later = several.claims[0]
        later.claimed = "2016-06-10"
        later.settled = nil
        var latest = later
        latest.claimant = "PA"
        latest.claimed = "2016-09-01"
        several.claims += [latest, later]
        #expect(CaseCard(several).unsettledClaims.map(\.claimed) == ["2016-06-10", "2016-09-01"])
        #expect(overdue(several, today: "2017-06-10") == [])
        #expect(overdue(several, today: "2017-06-11") == ["MX-2016-0001"])
        // Under a term of 3 months from 2016-09-01, the latest claim falls due first (2016-12-01),
        // the older one keeping its 12 months.
        var terms = ReimbursementTerms()
        terms.note(ReimbursementTerm(months: 3, source: "minutes", effective: "2016-09-01"))
        #expect(overdue(several, today: "2016-12-01", terms: terms) == [])
        #expect(overdue(several, today: "2016-12-02", terms: terms) == ["MX-2016-0001"])
        #expect(overdue(several, today: "2016-12-02") == [])
        // The card reads back as it was stored, absent fields included.
        let card = CaseCard(several)
        #expect(CaseCard(caseID: card.caseID, bytes: card.bytes) == card)
        #expect(card.assisting == nil && card.awaitingPresentation == nil)
        #expect(CaseCard(caseID: "X", bytes: Array(card.bytes.dropLast())) == nil)
        #expect(CaseCard(caseID: "X", bytes: card.bytes + [0]) == nil)
        // A field of any length (a malformed act from another node) reads back whole.
        var long = several
        long.category = String(repeating: "é", count: 40_000)
        #expect(CaseCard(caseID: long.caseID, bytes: CaseCard(long).bytes) == CaseCard(long))
        #expect(ReimbursementTerm.standard.due(claimedOn: "2016-02-29") == "2017-02-28")
        #expect(ReimbursementTerm.standard.due(claimedOn: "2016-12-31") == "2017-12-31")
    }

    @Test(
        "a reimbursement claimed on 2015-03-01 and unsettled is overdue, or not, identically on the dashboard, in the workload (CLI and /api/workload) and in the case's obligations around 29 February 2016"
    )
    func reimbursementAcrossLeapDay() throws {
        let s = try summary(claimed: "2015-03-01", filed: "2015-01-10")
        #expect(ReimbursementTerm.standard.due(claimedOn: "2015-03-01") == "2016-03-01")
        for (day, expected) in [("2016-02-28", false), ("2016-02-29", false), ("2016-03-01", false), ("2016-03-02", true)] {
            let dashboard = overdue(s, today: day) == ["MX-2016-0001"]
            let workload = WorkloadReport(cases: [s], from: nil, to: day).json()["states"]?.arrayValue?
                .first { $0["state"]?.stringValue == "CR" }?["overdue_claims"]?.integerValue
            let obligations = ReimbursementTerms().overdue(claimedOn: "2015-03-01", on: day)
            #expect(dashboard == expected, "dashboard \(day)")
            #expect(workload == (expected ? 1 : 0), "workload \(day): \(String(describing: workload))")
            #expect(obligations == expected, "obligations \(day)")
        }
    }

    @Test("a concluded case is overdue once the first meeting after its conclusion was held without it, due while it is only scheduled")
    func presentation() throws {
        var s = try summary(claimed: "2016-01-26", settled: "2016-02-01")
        s.status = "concluded"
        s.concluded = "2016-05-01"
        func meeting(_ date: String, held: Bool) -> MeetingView {
            var m = MeetingView(NetworkState.Meeting(id: "\(date)-x", date: date), presented: [])
            m.held = held
            return m
        }
        func groups(_ meetings: [MeetingView]) -> [String: [String]] {
            Dictionary(
                uniqueKeysWithValues: Obligations(cards: [CaseCard(s)], meetings: meetings, terms: ReimbursementTerms(), today: "2016-12-01").groups.map {
                    ($0.0, $0.1)
                })
        }
        #expect(groups([meeting("2016-11-01", held: true)])["obligation.presentation_overdue"] == ["MX-2016-0001"])
        #expect(groups([meeting("2016-11-01", held: false)])["obligation.presentation_due"] == ["MX-2016-0001"])
        // A meeting on the day of the conclusion is not the one after it.
        #expect(groups([meeting("2016-05-01", held: true)])["obligation.presentation_due"] == ["MX-2016-0001"])
        #expect(groups([])["obligation.presentation_due"] == ["MX-2016-0001"])
        // A case withdrawn after its conclusion (a late record) is not to be presented.
        s.withdrawn = "2016-06-01"
        #expect(groups([meeting("2016-11-01", held: true)])["obligation.presentation_overdue"] == [])
        #expect(groups([])["obligation.presentation_due"] == [])
    }
}

@Suite("C2SP tlog-tiles")
struct TileTests {
    @Test("tile paths: the spec's encoding, one canonical spelling, everything else refused")
    func paths() {
        #expect(Tiles.encode(1_234_067) == "x001/x234/067")
        #expect(Tiles.encode(0) == "000")
        #expect(Tiles.encode(999) == "999")
        #expect(Tiles.encode(1000) == "x001/000")
        func parse(_ p: String) -> Tiles.Resource? { Tiles.parse(p.split(separator: "/", omittingEmptySubsequences: false)) }
        #expect(parse("0/x001/x234/067") == .hashes(level: 0, index: 1_234_067, width: 256))
        #expect(parse("2/000.p/17") == .hashes(level: 2, index: 0, width: 17))
        #expect(parse("entries/x001/000.p/255") == .entries(index: 1000, width: 255))
        #expect(parse("63/000") == .hashes(level: 63, index: 0, width: 256))
        for bad in [
            "64/000", "01/000", "-1/000", "0/0", "0/0000", "0/x000/001", "0/001/x002", "0/000.p/0", "0/000.p/256", "0/000.p/01", "0/000.p",
            "0/000.p/", "0/x1/000", "data/000", "0/00a", "0/", "0", "entries", "0/000/", "0/+01",
        ] {
            #expect(parse(bad) == nil, "\(bad)")
        }
        for r: Tiles.Resource in [.hashes(level: 3, index: 1_234_067, width: 5), .entries(index: 42, width: 256)] {
            #expect(parse(String(r.path.dropFirst("tile/".count))) == r)
        }
    }

    @Test("a tile exists from the size that completes it: (N*256 + W) * 256^L events, not one fewer")
    func existence() throws {
        #expect(Tiles.leavesNeeded(.hashes(level: 0, index: 1, width: 4)) == 260)
        #expect(Tiles.leavesNeeded(.hashes(level: 1, index: 0, width: 2)) == 512)
        #expect(Tiles.leavesNeeded(.hashes(level: 8, index: 0, width: 256)) == nil)
        #expect(Tiles.leavesNeeded(.hashes(level: 0, index: UInt64.max, width: 1)) == nil)
        let log = try EventLog.open(path: Demo.path)
        let size = try log.size()
        try log.read { snapshot in
            let w = Int(size % 256)
            #expect(try log.tile(.hashes(level: 0, index: size / 256, width: w), size: size)?.count == 32 * w)
            #expect(try log.tile(.hashes(level: 0, index: size / 256, width: w + 1), size: size) == nil)
            #expect(try log.tile(.hashes(level: 0, index: size / 256, width: w), size: size - 1) == nil)
            // Level 0 holds the leaf hashes; an entry bundle's entries hash to them.
            let tile = try #require(try log.tile(.hashes(level: 0, index: 0, width: 256), size: size))
            var bundle = try #require(try log.tile(.entries(index: 0, width: 256), size: size))[...]
            for i in 0..<256 {
                let n = Int(bundle[bundle.startIndex]) << 8 | Int(bundle[bundle.startIndex + 1])
                let entry = Array(bundle.dropFirst(2).prefix(n))
                #expect(Merkle.leafHash(entry) == Array(tile[(32 * i)..<(32 * i + 32)]))
                #expect(entry == (try log.rawEntry(at: UInt64(i + 1)))?.bytes)
                bundle = bundle.dropFirst(2 + n)
            }
            #expect(bundle.isEmpty)
            // Level 1: each hash is the Merkle Tree Hash of a full level-0 tile.
            let level1 = try #require(try log.tile(.hashes(level: 1, index: 0, width: Int(size / 256)), size: size))
            #expect(Array(level1[0..<32]) == Merkle.root(size: 256) { level, index in try! log.storedSubtree(level: level, index: index)! })
        }
    }

    @Test("Go's sumdb/tlog reads the served tiles: checkpoint signature, tree hash, inclusion and consistency proofs, from an older checkpoint too")
    func goTlogVerifies() async throws {
        let dir = try TestSupport.temporaryDirectory("amparo-tlog")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ledger = dir + "/ledger"
        try FileManager.default.copyItem(atPath: Demo.path, toPath: ledger)
        let checker = try TlogCheck.build(into: dir)
        let vkey = try TestSupport.run(["keys", "show", "--node", "--ledger", ledger]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let old = try TestSupport.run(["checkpoint", "--ledger", ledger]).stdout
        try TestSupport.write(old, to: dir + "/old.note")
        // The log grows and signs a new checkpoint; the old one must be a prefix of it.
        let grown = try TestSupport.run([
            "network", "focal-point", "--ledger", ledger, "--key", ledger + "/test-keys/MX.pem", "--office", "Dirección General",
            "--email", "proteccion@sre.example", "--telephone", "+52 55 3686 5100",
        ])
        #expect(grown.status == 0, "\(grown.stderr)")
        _ = try TestSupport.run(["checkpoint", "--ledger", ledger])
        var config = ConsoleConfiguration()
        config.port = 0
        let console = Console(log: try EventLog.open(path: ledger), configuration: config)
        try await Application(router: console.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let result = try TestSupport.runExecutable(checker, [base, vkey, dir + "/old.note"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("ok: checkpoint of 517 entries verified"))
            // A checkpoint from another log is refused by the same client.
            let wrong = try TestSupport.runExecutable(checker, [base, "other.example/log+0ec1985f+ATFfc0s5WMePKS9cbgy3DR9vnRkbzRd0Te0TC2T36pnh"])
            #expect(wrong.status != 0)
        }
    }
}

/// Builds tools/tlogcheck (Go, GOPATH mode over Debian's golang-golang-x-mod-dev).
enum TlogCheck {
    static func build(into dir: String) throws -> String {
        let source =
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/tools/tlogcheck/main.go"
        let out = dir + "/tlogcheck"
        let go = ["/usr/bin/go", "/usr/lib/go/bin/go"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let built = try go.map {
            try TestSupport.runExecutable(
                $0, ["build", "-o", out, source],
                environment: ["GOPATH": "/usr/share/gocode", "GO111MODULE": "off", "GOCACHE": dir + "/gocache", "GOFLAGS": ""], directory: dir)
        }
        guard let built, built.status == 0 else {
            Issue.record(
                "cannot build tools/tlogcheck: install Go and golang.org/x/mod (tools/bootstrap golang-go golang-golang-x-mod-dev): \(built?.stderr ?? "no go")"
            )
            throw CancellationError()
        }
        return out
    }
}
