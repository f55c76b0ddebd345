import Agreement
import Bundles
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

/// The console's routes: pages, the JSON API behind them, the C2SP tlog-tiles endpoints, assets.
struct Routes: Sendable {
    let console: Console
    var config: ConsoleConfiguration { console.configuration }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try page(request) { t in try dashboard(request, t) } }
        router.get("/cases") { request, _ in try page(request) { t in try casesPage(request, t) } }
        router.get("/cases/:id") { request, context in
            let id = try caseID(context, request)
            return try page(request) { t in try casePage(request, t, id) }
        }
        router.get("/proof/:seq") { request, context in
            let seq = try sequence(context, request)
            return try page(request) { t in try proofPage(request, t, seq) }
        }
        router.get("/meetings") { request, _ in try page(request) { t in try meetingsPage(request, t) } }
        router.get("/meetings/:id") { request, context in
            let id = try meetingID(context, request)
            return try page(request) { t in try meetingPage(request, t, id) }
        }
        router.get("/meetings/:id/:file") { request, context in
            let id = try meetingID(context, request)
            let file = context.parameters.get("file") ?? ""
            return try download(request, id, file)
        }

        router.get("/api/cases") { request, _ in
            try api(request) { t in try console.log.resolvingWords(Self.listJSON(try filtered(request, t))) }
        }
        router.get("/api/cases/:id") { request, context in
            let id = try caseID(context, request)
            return try api(request) { t in try caseJSON(t, id) }
        }
        router.get("/api/workload") { request, _ in try api(request) { t in try workloadJSON(request, t) } }
        router.get("/api/meetings") { request, _ in try api(request) { _ in .array(try console.projections().meetings().map(\.json)) } }
        router.get("/api/meetings/:id") { request, context in
            let id = try meetingID(context, request)
            return try api(request) { t in try report(t, id).json() }
        }
        router.get("/api/verify") { request, _ in try api(request) { _ in try verifyJSON() } }
        router.get("/api/proof/:seq") { request, context in
            let seq = try sequence(context, request)
            return try api(request) { t in try proof(t, seq).json }
        }

        router.get("/checkpoint") { _, _ in try checkpoint() }
        if let cosigner = config.cosigner {
            let witness = Witness(log: console.log, cosigner: cosigner)
            router.post("/add-checkpoint") { request, _ in try await Self.addCheckpoint(request, witness) }
        }
        router.get("/tile/**") { request, context in try tile(request, context) }
        // For peers that sync (docs/federation.md): where each entry was first recorded, and the
        // fork evidence this node holds.
        router.get("/amparo/placed/**") { request, context in try placed(request, context) }
        router.get("/amparo/words/**") { request, context in try words(request, context) }
        router.get("/amparo/evidence") { _, _ in
            let forks = try PeerStore(log: console.log).forks().map(\.evidence)
            return Self.plain(.ok, String(decoding: EvidenceFile.encode(forks), as: UTF8.self), type: "application/x-ndjson")
        }

        router.get("/assets/console.css") { _, _ in asset(Assets.consoleCSS, "text/css; charset=utf-8") }
        router.get("/assets/report.css") { _, _ in asset(Assets.reportCSS, "text/css; charset=utf-8") }
        router.get("/assets/console.js") { _, _ in asset(Assets.consoleJS, "text/javascript; charset=utf-8") }
    }

    // MARK: Plumbing

    func localizer(_ request: Request) -> Localizer { Localizer(Pages.language(request, default: config.defaultLanguage)) }

    /// A page: projections caught up, then one snapshot for everything the page reads.
    func page(_ request: Request, _ body: (Localizer) throws -> String) throws -> Response {
        let t = localizer(request)
        _ = try console.projections()
        let text = try console.log.snapshot { try body(t) }
        return Pages.html(text, language: t.language, remember: request.uri.queryParameters["lang"] != nil)
    }

    func api(_ request: Request, _ body: (Localizer) throws -> JSONValue) throws -> Response {
        let t = localizer(request)
        _ = try console.projections()
        let value = try console.log.snapshot { try body(t) }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: CanonicalJSON.string(value) + "\n")))
    }

    func asset(_ text: String, _ type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func bad(_ t: Localizer, _ key: String, _ args: [String: String] = [:]) -> HTTPError { HTTPError(.badRequest, message: t(key, args)) }

    func caseID(_ context: BasicRequestContext, _ request: Request) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard CaseID(id) != nil else { throw bad(localizer(request), "error.case_id", ["id": String(id.prefix(40))]) }
        return id
    }

    func meetingID(_ context: BasicRequestContext, _ request: Request) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard MeetingID.isValid(id) else { throw bad(localizer(request), "error.meeting_id", ["id": String(id.prefix(80))]) }
        return id
    }

    func sequence(_ context: BasicRequestContext, _ request: Request) throws -> UInt64 {
        let text = context.parameters.get("seq") ?? ""
        guard text.count <= 20, text.allSatisfy({ $0.isASCII && $0.isNumber }), let seq = UInt64(text), seq >= 1 else {
            throw bad(localizer(request), "error.seq", ["seq": String(text.prefix(24))])
        }
        return seq
    }

    // MARK: Dashboard

    func dashboard(_ request: Request, _ t: Localizer) throws -> String {
        let log = console.log
        let size = try log.size()
        let store = try ProjectionStore(log: log)
        let applied = try store.appliedSeq(.cases)
        // `?to=YYYY-MM-DD`: open cases and obligations as they stood at the end of that day.
        let asOf = try filter(request, t).to
        let summaries = try asOf.map { try store.caseSummaries(asOf: $0) } ?? store.caseSummaries()
        let meetings = try store.meetings()
        let today = asOf ?? Timestamp.now().date
        var body = "<h1>\(Pages.e(t("dashboard.title")))</h1>\n"
        if applied < size { body += "<p class=\"warning\">\(Pages.e(t("projections.behind", ["applied": String(applied), "size": String(size)])))</p>\n" }

        // The log and its checkpoint.
        body += "<section id=\"log\"><h2>\(Pages.e(t("dashboard.log")))</h2>\n<dl>\n"
        body += "<dt>\(Pages.e(t("dashboard.size")))</dt><dd id=\"log-size\">\(size)</dd>\n"
        if let (cpSize, note) = try log.latestCheckpoint() {
            let at = try log.rawEntry(at: cpSize).map { Date(timeIntervalSince1970: Double($0.recorded.milliseconds) / 1000) }
            body += "<dt>\(Pages.e(t("dashboard.checkpoint")))</dt><dd>\(Pages.e(t("dashboard.checkpoint_of", ["size": String(cpSize)])))"
            if let at { body += " · \(Pages.e(t("dashboard.checkpoint_age", ["age": Pages.ago(t, from: at)])))" }
            body += " · <a href=\"/checkpoint\">checkpoint</a><pre class=\"note\">\(Pages.e(note.serialized))</pre></dd>\n"
        } else {
            body += "<dt>\(Pages.e(t("dashboard.checkpoint")))</dt><dd>\(Pages.e(t("dashboard.no_checkpoint")))</dd>\n"
        }
        body += "</dl></section>\n"

        // Verify.
        body += "<section id=\"verify\"><h2>\(Pages.e(t("dashboard.verify")))</h2>\n"
        if let run = console.lastVerify {
            let when = Pages.ago(t, from: run.finished)
            if run.breaches.isEmpty {
                body += "<p class=\"ok\">\(Pages.e(t("verify.ok", ["events": String(run.events), "age": when])))</p>\n"
            } else {
                body +=
                    "<p class=\"bad\">\(Pages.e(t("verify.findings", ["n": String(run.breaches.count), "events": String(run.events), "age": when])))</p>\n<ul class=\"findings\">\n"
                for b in run.breaches.prefix(20) { body += Pages.finding(t, b, withCase: true) }
                body += "</ul>\n"
                if run.breaches.count > 20 { body += "<p>\(Pages.e(t("verify.more", ["n": String(run.breaches.count - 20)])))</p>\n" }
            }
            if !run.pending.isEmpty { body += "<p class=\"pending\">\(Pages.e(t("dashboard.pending", ["n": String(run.pending.count)])))</p>\n" }
            if run.events < size { body += "<p>\(Pages.e(t("verify.behind", ["size": String(size)])))</p>\n" }
        } else {
            body += "<p class=\"pending\">\(Pages.e(t("verify.none")))</p>\n"
        }
        body += "</section>\n"

        // Forks: origins that signed two histories (the evidence this node holds).
        let forks = try PeerStore(log: log).forks()
        if !forks.isEmpty {
            body += "<section id=\"forks\"><h2>\(Pages.e(t("dashboard.forks")))</h2>\n<ul class=\"findings\">\n"
            for fork in forks {
                let sizes = fork.evidence.checkpoints.compactMap { try? Checkpoint(text: SignedNote(parsing: $0).text).size }.sorted()
                body +=
                    "<li class=\"bad\">\(Pages.e(t("dashboard.fork", ["origin": fork.origin, "sizes": sizes.map(String.init).joined(separator: t("verify.fork.and"))])))</li>\n"
            }
            body += "</ul></section>\n"
        }

        // Open cases and overdue obligations.
        let open = summaries.filter { CaseStatus(rawValue: $0.status)?.isOpen ?? false }
        let obligations = Obligations(summaries: summaries, meetings: meetings, today: today)
        body += "<section id=\"obligations\"><h2>\(Pages.e(t("dashboard.open")))</h2>\n"
        body += "<p>\(Pages.e(t.count(open.count, "dashboard.open_cases")))"
        body += " · <a href=\"/cases?open=yes\">\(Pages.e(t("dashboard.see_open")))</a></p>\n<ul class=\"obligations\">\n"
        for (key, ids) in obligations.groups {
            body += "<li><strong>\(ids.count)</strong> \(Pages.e(t(key)))"
            if !ids.isEmpty { body += ": " + ids.prefix(8).map(Pages.caseLink).joined(separator: ", ") + (ids.count > 8 ? " …" : "") }
            body += "</li>\n"
        }
        body += "</ul></section>\n"

        // Workload by State, with the report's charts.
        let rows = try store.workloadRows().filter { $0.requested + $0.assisted > 0 }
        body += "<section id=\"workload\"><h2>\(Pages.e(t("dashboard.workload")))</h2>\n"
        body += Pages.table(
            [t("workload.state"), t("workload.requested"), t("workload.assisted"), t("workload.open"), t("workload.concluded")],
            rows.map { r in [Pages.e(t.country(r.state)), String(r.requested), String(r.assisted), String(r.open), String(r.concluded)] },
            numeric: [1, 2, 3, 4], id: "workload-table")
        body += Charts.bars(
            labels: rows.map { t.country($0.state) }, values: rows.map { [$0.requested, $0.assisted] },
            series: [t("workload.requested"), t("workload.assisted")], title: t("dashboard.workload_chart"), colors: ["#1f5f8b", "#e08a1e"],
            empty: t("chart.empty"))
        body += "<p><a href=\"/api/workload\">JSON</a></p></section>\n"
        return Pages.page(request, t, title: t("dashboard.title"), body: body)
    }

    // MARK: Cases

    struct Filter {
        var requesting: String?
        var assisting: String?
        var status: String?
        var category: String?
        var from: String?
        var to: String?
        var findings: Bool?
        var open: Bool?
        var page = 1
    }

    func filter(_ request: Request, _ t: Localizer) throws -> Filter {
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let v = q[Substring(name)], !v.isEmpty else { return nil }
            return String(v)
        }
        var f = Filter()
        for name in ["requesting", "assisting"] {
            if let v = value(name) {
                guard Codes.isMemberState(v) else { throw bad(t, "error.state", ["value": String(v.prefix(20))]) }
                if name == "requesting" { f.requesting = v } else { f.assisting = v }
            }
        }
        if let v = value("status") {
            guard CaseStatus(rawValue: v) != nil else { throw bad(t, "error.status", ["value": String(v.prefix(30))]) }
            f.status = v
        }
        if let v = value("category") {
            guard Codes.categories.contains(v) else { throw bad(t, "error.category", ["value": String(v.prefix(30))]) }
            f.category = v
        }
        for name in ["from", "to"] {
            if let v = value(name) {
                guard v.count == 10, Timestamp(parsing: v) != nil else { throw bad(t, "error.date", ["name": name, "value": String(v.prefix(20))]) }
                if name == "from" { f.from = v } else { f.to = v }
            }
        }
        if let from = f.from, let to = f.to, from > to { throw bad(t, "error.period", ["from": from, "to": to]) }
        for name in ["findings", "open"] {
            if let v = value(name) {
                guard v == "yes" || v == "no" else { throw bad(t, "error.yesno", ["name": name]) }
                if name == "findings" { f.findings = v == "yes" } else { f.open = v == "yes" }
            }
        }
        if let v = value("page") {
            guard v.count <= 9, let n = Int(v), n >= 1 else { throw bad(t, "error.page") }
            f.page = n
        }
        return f
    }

    struct Listing {
        let cases: [CaseSummary]
        let total: Int
        let page: Int
        let perPage: Int
        let filter: Filter
        let findings: Set<String>?
    }

    func filtered(_ request: Request, _ t: Localizer) throws -> Listing {
        let f = try filter(request, t)
        let findings = console.lastVerify?.casesWithFindings
        if f.findings != nil, findings == nil { throw HTTPError(.serviceUnavailable, message: t("error.verify_pending")) }
        let all = try ProjectionStore(log: console.log).caseSummaries().filter { c in
            (f.requesting.map { c.requesting == $0 } ?? true) && (f.assisting.map { c.assisting == $0 } ?? true)
                && (f.status.map { c.status == $0 } ?? true) && (f.category.map { c.category == $0 } ?? true)
                && (f.from.map { (c.filed ?? "") >= $0 } ?? true) && (f.to.map { (c.filed ?? "9999") <= $0 } ?? true)
                && (f.findings.map { findings!.contains(c.caseID) == $0 } ?? true)
                && (f.open.map { (CaseStatus(rawValue: c.status)?.isOpen ?? false) == $0 } ?? true)
        }
        let per = config.pageSize
        let start = (f.page - 1) * per
        let slice = start < all.count ? Array(all[start..<min(all.count, start + per)]) : []
        return Listing(cases: slice, total: all.count, page: f.page, perPage: per, filter: f, findings: findings)
    }

    static func listJSON(_ l: Listing) -> JSONValue {
        .object([
            "cases": .array(l.cases.map(\.json)), "total": .number(Double(l.total)), "page": .number(Double(l.page)),
            "per_page": .number(Double(l.perPage)),
        ])
    }

    func casesPage(_ request: Request, _ t: Localizer) throws -> String {
        let l = try filtered(request, t)
        let f = l.filter
        func options(_ name: String, _ values: [(String, String)], _ selected: String?) -> String {
            "<select name=\"\(name)\" id=\"f-\(name)\"><option value=\"\">\(Pages.e(t("filter.any")))</option>"
                + values.map { v, label in "<option value=\"\(Pages.e(v))\"\(v == selected ? " selected" : "")>\(Pages.e(label))</option>" }.joined()
                + "</select>"
        }
        let states = Codes.memberStates.map { ($0, t.country($0)) }
        var body = "<h1>\(Pages.e(t("cases.title")))</h1>\n<form method=\"get\" action=\"/cases\" class=\"filters\" id=\"filters\">\n"
        body += "<label>\(Pages.e(t("filter.requesting"))) \(options("requesting", states, f.requesting))</label>\n"
        body += "<label>\(Pages.e(t("filter.assisting"))) \(options("assisting", states, f.assisting))</label>\n"
        body +=
            "<label>\(Pages.e(t("filter.status"))) \(options("status", CaseStatus.allCases.map { ($0.rawValue, Pages.status(t, $0.rawValue)) }, f.status))</label>\n"
        body += "<label>\(Pages.e(t("filter.category"))) \(options("category", Codes.categories.map { ($0, Pages.category(t, $0)) }, f.category))</label>\n"
        body += "<label>\(Pages.e(t("filter.from"))) <input type=\"date\" name=\"from\" value=\"\(Pages.e(f.from ?? ""))\"></label>\n"
        body += "<label>\(Pages.e(t("filter.to"))) <input type=\"date\" name=\"to\" value=\"\(Pages.e(f.to ?? ""))\"></label>\n"
        let yesNo = [("yes", t("filter.yes")), ("no", t("filter.no"))]
        body += "<label>\(Pages.e(t("filter.findings"))) \(options("findings", yesNo, f.findings.map { $0 ? "yes" : "no" }))</label>\n"
        body += "<label>\(Pages.e(t("filter.open"))) \(options("open", yesNo, f.open.map { $0 ? "yes" : "no" }))</label>\n"
        if request.uri.queryParameters["lang"] != nil { body += "<input type=\"hidden\" name=\"lang\" value=\"\(t.language.rawValue)\">\n" }
        body += "<button type=\"submit\">\(Pages.e(t("filter.apply")))</button> <a href=\"/cases\">\(Pages.e(t("filter.clear")))</a>\n</form>\n"
        let first = l.total == 0 ? 0 : (l.page - 1) * l.perPage + 1
        body +=
            "<p id=\"count\">\(Pages.e(t("cases.showing", ["first": String(first), "last": String(first + l.cases.count - (l.total == 0 ? 0 : 1)), "total": String(l.total)])))</p>\n"
        body += Pages.table(
            [
                t("cases.case"), t("cases.status"), t("cases.requesting"), t("cases.assisting"), t("cases.location"), t("cases.category"), t("cases.filed"),
                t("cases.findings"),
            ],
            l.cases.map { c in
                [
                    Pages.caseLink(c.caseID), Pages.e(Pages.status(t, c.status)), Pages.e(t.country(c.requesting)), Pages.e(Pages.stateName(t, c.assisting)),
                    Pages.e([c.locationCity, c.locationCountry.map { t.country($0) }].compactMap { $0 }.joined(separator: ", ")),
                    Pages.e(Pages.category(t, c.category)), Pages.e(c.filed ?? "–"),
                    l.findings.map { $0.contains(c.caseID) ? "<span class=\"bad\">\(Pages.e(t("filter.yes")))</span>" : Pages.e(t("filter.no")) } ?? "…",
                ]
            }, id: "cases")
        // Paging links keep the filters.
        func link(_ page: Int) -> String {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(Pages.percent(String($0.value)))" }.sorted()
            items.append("page=\(page)")
            return "/cases?" + items.joined(separator: "&")
        }
        var nav: [String] = []
        if l.page > 1 { nav.append("<a rel=\"prev\" href=\"\(Pages.e(link(l.page - 1)))\">\(Pages.e(t("paging.previous")))</a>") }
        if l.page * l.perPage < l.total { nav.append("<a rel=\"next\" href=\"\(Pages.e(link(l.page + 1)))\">\(Pages.e(t("paging.next")))</a>") }
        if !nav.isEmpty { body += "<nav class=\"paging\">\(nav.joined(separator: " · "))</nav>\n" }
        return Pages.page(request, t, title: t("cases.title"), body: body)
    }

    // MARK: A case: the auditor's replay

    func casePage(_ request: Request, _ t: Localizer, _ id: String) throws -> String {
        guard let steps = try Audit.replay(console.log, caseID: id), let last = steps.last else {
            throw HTTPError(.notFound, message: t("error.no_case", ["id": id]))
        }
        let covered = try console.log.latestCheckpoint()?.0 ?? 0
        let s = last.stateAfter
        var body = "<h1>\(Pages.e(t("case.title", ["id": id])))</h1>\n<dl class=\"facts\">\n"
        body += "<dt>\(Pages.e(t("cases.status")))</dt><dd id=\"case-status\">\(Pages.e(Pages.status(t, s.status.rawValue)))</dd>\n"
        body += "<dt>\(Pages.e(t("cases.requesting")))</dt><dd>\(Pages.e(t.country(s.requesting)))</dd>\n"
        body += "<dt>\(Pages.e(t("cases.assisting")))</dt><dd>\(Pages.e(Pages.stateName(t, s.assisting)))</dd>\n"
        if let c = s.locationCountry {
            body += "<dt>\(Pages.e(t("cases.location")))</dt><dd>\(Pages.e([s.locationCity, t.country(c)].compactMap { $0 }.joined(separator: ", ")))</dd>\n"
        }
        body += "<dt>\(Pages.e(t("cases.category")))</dt><dd>\(Pages.e(Pages.category(t, s.category)))</dd>\n</dl>\n"
        let total = steps.reduce(0) { $0 + $1.breaches.count }
        body +=
            "<p id=\"case-verdict\" class=\"\(total == 0 ? "ok" : "bad")\">\(Pages.e(total == 0 ? t("case.no_findings") : t.count(total, "case.findings")))</p>\n"
        body += "<details><summary>\(Pages.e(t("case.rules_checked", ["n": String(last.checked.count)])))</summary><ul class=\"rules\">"
        body += last.checked.map { "<li><span class=\"rule\">\(Pages.e($0))</span> \(Pages.e(t("rule." + $0)))</li>" }.joined() + "</ul></details>\n"
        body += "<ol class=\"replay\" id=\"replay\">\n"
        for step in steps {
            let f = step.fact
            body += "<li class=\"step\(step.breaches.isEmpty ? "" : " breach")\">\n<p class=\"head\">"
            body += "<span class=\"seq\">\(f.seq.map { "#\($0)" } ?? "–")</span> <time>\(Pages.e(f.occurred.date))</time> "
            body += "<strong>\(Pages.e(Pages.eventType(t, f.type)))</strong> <code>\(Pages.e(f.type))</code></p>\n"
            body += "<p class=\"who\">\(Pages.e(t("case.by", ["actor": t.country(f.actor), "signer": step.signer])))</p>\n"
            if f.original != nil { body += "<p class=\"corrected\">\(Pages.e(t("case.was_corrected")))</p>\n" }
            // Its free text as this node holds it, or "erased".
            let said = Words.commitments(in: f.payload)
            if !said.isEmpty {
                body += "<dl class=\"words\">"
                for (path, _) in said {
                    let words = step.words?.objectValue?[path]?.stringValue
                    body += "<dt>\(Pages.e(t.field(path)))</dt><dd\(words == nil ? " class=\"erased\"" : "")>\(Pages.e(words ?? t("words.erased")))</dd>"
                }
                body += "</dl>\n"
            }
            body += "<p class=\"after\">\(Pages.e(t("case.after", ["status": Pages.status(t, step.stateAfter.status.rawValue)])))</p>\n"
            if let seq = f.seq {
                body +=
                    seq <= covered
                    ? "<p class=\"proof\"><a href=\"/proof/\(seq)\">\(Pages.e(t("case.proof")))</a></p>\n"
                    : "<p class=\"proof\">\(Pages.e(t("case.not_checkpointed")))</p>\n"
            }
            if let p = step.pending {
                body += "<p class=\"pending\">\(Pages.e(t("replay.pending"))): \(Pages.e(p.sentence(t)))</p>\n"
            }
            if !step.breaches.isEmpty {
                body += "<ul class=\"findings\">\n" + step.breaches.map { Pages.finding(t, $0, withCase: false) }.joined() + "</ul>\n"
            }
            body += "</li>\n"
        }
        body += "</ol>\n<p><a href=\"/api/cases/\(Pages.e(id))\">JSON</a></p>\n"
        return Pages.page(request, t, title: t("case.title", ["id": id]), body: body)
    }

    func caseJSON(_ t: Localizer, _ id: String) throws -> JSONValue {
        guard let steps = try Audit.replay(console.log, caseID: id) else { throw HTTPError(.notFound, message: t("error.no_case", ["id": id])) }
        let summary = try ProjectionStore(log: console.log).caseSummary(id)
        return .object([
            // The summary's free text as this node holds it, null where erased.
            "case": try summary.map { try console.log.resolvingWords($0.json) } ?? .null,
            "replay": .array(
                steps.map { step in
                    var o = step.json.objectValue!
                    o["proof"] = step.fact.seq.map { .string("/api/proof/\($0)") } ?? .null
                    return .object(o)
                }),
        ])
    }

    // MARK: Proof of inclusion

    struct Proof {
        let seq: UInt64
        let size: UInt64
        let leaf: Hash32
        let path: [Hash32]
        let root: Hash32
        let checkpoint: String
        let verified: Bool
        var json: JSONValue {
            .object([
                "seq": .number(Double(seq)), "index": .number(Double(seq - 1)), "tree_size": .number(Double(size)), "leaf_hash": .string(leaf.base64),
                "proof": .array(path.map { .string($0.base64) }), "root": .string(root.base64), "checkpoint": .string(checkpoint),
                "verified": .bool(verified),
            ])
        }
    }

    /// The inclusion proof of `seq` in the tree of the latest signed checkpoint, checked here
    /// against that checkpoint's root (the auditor checks it again with `amparo prove` or tlog).
    func proof(_ t: Localizer, _ seq: UInt64) throws -> Proof {
        guard let (size, note) = try console.log.latestCheckpoint() else { throw HTTPError(.notFound, message: t("dashboard.no_checkpoint")) }
        guard seq <= size else { throw HTTPError(.notFound, message: t("error.not_in_checkpoint", ["seq": String(seq), "size": String(size)])) }
        guard let raw = try console.log.rawEntry(at: seq) else { throw HTTPError(.notFound, message: t("error.not_found")) }
        let checkpoint = try Checkpoint(text: note.text)
        let leaf = Merkle.leafHash(raw.bytes)
        let path = try console.log.inclusionProof(seq: seq, size: size)
        let ok = Merkle.verifyInclusion(leafHash: leaf, index: seq - 1, size: size, proof: path, root: checkpoint.root)
        return Proof(seq: seq, size: size, leaf: leaf, path: path, root: checkpoint.root, checkpoint: note.serialized, verified: ok)
    }

    func proofPage(_ request: Request, _ t: Localizer, _ seq: UInt64) throws -> String {
        let p = try proof(t, seq)
        var body = "<h1>\(Pages.e(t("proof.title", ["seq": String(seq)])))</h1>\n"
        body +=
            "<p class=\"\(p.verified ? "ok" : "bad")\" id=\"proof-verdict\">\(Pages.e(t(p.verified ? "proof.ok" : "proof.bad", ["seq": String(seq), "size": String(p.size)])))</p>\n"
        body += "<dl><dt>\(Pages.e(t("proof.leaf")))</dt><dd><code>\(p.leaf.base64)</code></dd>\n"
        body +=
            "<dt>\(Pages.e(t("proof.path", ["n": String(p.path.count)])))</dt><dd><ol>" + p.path.map { "<li><code>\($0.base64)</code></li>" }.joined()
            + "</ol></dd>\n"
        body += "<dt>\(Pages.e(t("dashboard.checkpoint")))</dt><dd><pre class=\"note\">\(Pages.e(p.checkpoint))</pre></dd></dl>\n"
        body +=
            "<p>\(Pages.e(t("proof.how")))</p>\n<pre>amparo prove inclusion \(seq) --size \(p.size) &gt; proof.txt\namparo verify --proof proof.txt</pre>\n<p><a href=\"/api/proof/\(seq)\">JSON</a></p>\n"
        return Pages.page(request, t, title: t("proof.title", ["seq": String(seq)]), body: body)
    }

    // MARK: Meetings

    func meetingsPage(_ request: Request, _ t: Localizer) throws -> String {
        let meetings = try ProjectionStore(log: console.log).meetings()
        var body = "<h1>\(Pages.e(t("meetings.title")))</h1>\n"
        if meetings.isEmpty {
            body += "<p>\(Pages.e(t("meetings.none")))</p>\n"
        } else {
            body += Pages.table(
                [t("meetings.meeting"), t("meetings.date"), t("meetings.place"), t("meetings.state"), t("meetings.presented")],
                meetings.map { m in
                    [
                        "<a href=\"/meetings/\(Pages.e(m.id))\">\(Pages.e(m.id))</a>", Pages.e(t.longDate(m.date)),
                        Pages.e([m.city, m.country.map { t.country($0) }].compactMap { $0 }.joined(separator: ", ")),
                        Pages.e(t(m.held ? "meetings.held" : "meetings.scheduled")), String(m.presented.count),
                    ]
                }, numeric: [4], id: "meetings")
        }
        return Pages.page(request, t, title: t("meetings.title"), body: body)
    }

    func report(_ t: Localizer, _ id: String) throws -> MeetingReport {
        let store = try ProjectionStore(log: console.log)
        guard try store.meetings().contains(where: { $0.id == id }) else { throw HTTPError(.notFound, message: t("error.no_meeting", ["id": id])) }
        return try MeetingReport(try MeetingReportData.make(store: store, meetingID: id), minCell: config.minCell, language: t.language)
    }

    func meetingPage(_ request: Request, _ t: Localizer, _ id: String) throws -> String {
        let r = try report(t, id)
        let lang = "?lang=\(t.language.rawValue)"
        var body = "<p class=\"downloads\">\(Pages.e(t("meetings.download"))) "
        body += ["md", "html", "json"].map { "<a href=\"/meetings/\(Pages.e(id))/report.\($0)\(lang)\" download>\($0.uppercased())</a>" }.joined(
            separator: " · ")
        body +=
            " · \(Pages.e(t("meetings.min_cell", ["n": String(config.minCell)])))</p>\n<article class=\"report\" id=\"report\">\n\(r.htmlBody())</article>\n"
        return Pages.page(request, t, title: r.heading, body: body, extraCSS: "/assets/report.css")
    }

    func download(_ request: Request, _ id: String, _ file: String) throws -> Response {
        let t = localizer(request)
        let types = ["report.md": "text/markdown; charset=utf-8", "report.html": "text/html; charset=utf-8", "report.json": "application/json"]
        guard let type = types[file] else { throw HTTPError(.notFound, message: t("error.not_found")) }
        _ = try console.projections()
        let r = try console.log.snapshot { try report(t, id) }
        let text: String
        switch file {
        case "report.md": text = r.markdown()
        case "report.html": text = r.html()
        default: text = CanonicalJSON.string(r.json()) + "\n"
        }
        var response = Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentDisposition] = "attachment; filename=\"\(id)-\(t.language.rawValue).\(file.split(separator: ".").last!)\""
        if file == "report.html" {
            // The standalone report carries its stylesheet inline: allow exactly that one.
            response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src '\(MeetingReport.stylesheetHash)'; img-src data:; frame-ancestors 'none'"
        }
        return response
    }

    // MARK: Workload and verify (JSON)

    func workloadJSON(_ request: Request, _ t: Localizer) throws -> JSONValue {
        let f = try filter(request, t)
        let store = try ProjectionStore(log: console.log)
        let rows = f.from == nil && f.to == nil ? try store.workloadRows() : nil
        let cases = try f.to.map { try store.caseSummaries(asOf: $0) } ?? store.caseSummaries()
        return WorkloadReport(cases: cases, rows: rows, from: f.from, to: f.to).json()
    }

    func verifyJSON() throws -> JSONValue {
        guard let run = console.lastVerify else { return .object(["status": .string("pending")]) }
        // The forks as this node holds their evidence now (as `amparo verify` reads them).
        let forks = try PeerStore(log: console.log).forks()
        let origins = Set(forks.map(\.origin)).sorted()
        return .object([
            "status": .string(run.breaches.isEmpty && forks.isEmpty ? "ok" : "findings"), "events": .number(Double(run.events)),
            "finished": .string(ISO8601DateFormatter().string(from: run.finished)), "breaches": .array(run.breaches.map(\.json)),
            "forks": .array(origins.map(JSONValue.string)), "pending": .array(run.pending.map(\.json)),
        ])
    }

    // MARK: C2SP tlog-witness

    /// `POST /add-checkpoint`: status codes and bodies as c2sp.org/tlog-witness says; the 409 of a
    /// stale old size carries the size cosigned (`text/x.tlog.size`).
    static func addCheckpoint(_ request: Request, _ witness: Witness) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Witness.maximumBody)
        } catch {
            return plain(.contentTooLarge, "the request is larger than \(Witness.maximumBody) bytes\n")
        }
        let answer = try witness.addCheckpoint(Array(buffer: body), time: UInt64(max(0, Date().timeIntervalSince1970)))
        switch answer {
        case .cosigned(let lines): return plain(.ok, lines)
        case .conflict(let size, _): return plain(.conflict, "\(size)\n", type: "text/x.tlog.size")
        case .badRequest(let why): return plain(.badRequest, why + "\n")
        case .forbidden(let why): return plain(.forbidden, why + "\n")
        case .notFound(let why): return plain(.notFound, why + "\n")
        case .unprocessable(let why): return plain(.unprocessableContent, why + "\n")
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String, type: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: C2SP tlog-tiles

    func checkpoint() throws -> Response {
        guard let (_, note) = try console.log.latestCheckpoint() else {
            throw HTTPError(.notFound, message: "this ledger holds no signed checkpoint yet")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache, max-age=0"],
            body: .init(byteBuffer: ByteBuffer(string: try FederationStore(log: console.log).cosigned(note))))
    }

    /// Tiles and entry bundles of the tree of the latest signed checkpoint: every one served is
    /// provable against a signed head, and never changes.
    /// `/amparo/placed/<N>[.p/<W>]`: for the entries of entry bundle N of the latest checkpoint's
    /// tree, one line each: `-` when this node first recorded it, else `<origin> <index>` where it
    /// was first recorded (what a bundle's placements say).
    func placed(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard case .entries(let n, let width)? = Tiles.parse(["entries"] + context.parameters.getCatchAll()) else {
            throw HTTPError(.notFound, message: "not an entry bundle path (N[.p/W], as c2sp.org/tlog-tiles spells it)")
        }
        let peers = PeerStore(log: console.log)
        let lines: String? = try console.log.snapshot {
            guard let (size, _) = try console.log.latestCheckpoint(), n * UInt64(Tiles.fullWidth) + UInt64(width) <= size else { return nil }
            var out = ""
            for i in 0..<UInt64(width) {
                guard let raw = try console.log.rawEntry(at: n * UInt64(Tiles.fullWidth) + i + 1) else { return nil }
                let id = try SignedEvent(bytes: raw.bytes, checkCanonical: false).id
                out += try peers.placement(of: id).map { "\($0.origin) \($0.index)\n" } ?? "-\n"
            }
            return out
        }
        guard let lines else { throw HTTPError(.notFound, message: "no such entry bundle in the tree of the latest checkpoint") }
        return Self.plain(.ok, lines)
    }

    /// `/amparo/words/<N>[.p/<W>]`: the words this node holds of the free text of the entries of
    /// entry bundle N of the latest checkpoint's tree, one words part a line (RFC 8785 JSON, as a
    /// bundle carries them after its note); none for words erased here.
    func words(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        guard case .entries(let n, let width)? = Tiles.parse(["entries"] + context.parameters.getCatchAll()) else {
            throw HTTPError(.notFound, message: "not an entry bundle path (N[.p/W], as c2sp.org/tlog-tiles spells it)")
        }
        let lines: String? = try console.log.snapshot {
            guard let (size, _) = try console.log.latestCheckpoint(), n * UInt64(Tiles.fullWidth) + UInt64(width) <= size else { return nil }
            var events: [SignedEvent] = []
            for i in 0..<UInt64(width) {
                guard let raw = try console.log.rawEntry(at: n * UInt64(Tiles.fullWidth) + i + 1) else { return nil }
                events.append(try SignedEvent(bytes: raw.bytes, checkCanonical: false))
            }
            return try console.log.wordsParts(of: events).map { String(decoding: $0.line + [0x0A], as: UTF8.self) }.joined()
        }
        guard let lines else { throw HTTPError(.notFound, message: "no such entry bundle in the tree of the latest checkpoint") }
        return Self.plain(.ok, lines, type: "application/x-ndjson")
    }

    func tile(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let segments = context.parameters.getCatchAll()
        guard let resource = Tiles.parse(segments) else { throw HTTPError(.notFound, message: "not a tile path (c2sp.org/tlog-tiles)") }
        // The checkpoint's size and the tile from one snapshot: an append meanwhile cannot make
        // the tile ask for hashes the snapshot does not hold.
        let bytes: [UInt8]? = try console.log.snapshot {
            guard let (size, _) = try console.log.latestCheckpoint() else { return nil }
            return try console.log.read { try console.log.tile(in: $0, resource, size: size) }
        }
        guard let bytes else { throw HTTPError(.notFound, message: "no such tile in the tree of the latest checkpoint") }
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The obligations the dashboard counts, from the case projection and the meetings: no fold.
struct Obligations {
    let groups: [(String, [String])]

    init(summaries: [CaseSummary], meetings: [MeetingView], today: String) {
        let open = summaries.filter { CaseStatus(rawValue: $0.status)?.isOpen ?? false }
        let beforeRequest: Set<CaseStatus> = [.filed, .notified, .circulated, .offers, .assistingSelected]
        let noRequest = open.filter { CaseStatus(rawValue: $0.status).map(beforeRequest.contains) ?? false }.map(\.caseID)
        let noScope = open.filter { $0.status == CaseStatus.formallyRequested.rawValue }.map(\.caseID)
        var overdue: [String] = []
        var due: [String] = []
        for s in summaries where s.presentations.isEmpty && s.withdrawn == nil {
            guard let concluded = s.concluded else { continue }
            switch Deadlines.presentation(concludedOn: concluded, among: meetings) {
            case .due: due.append(s.caseID)
            case .overdue: overdue.append(s.caseID)
            }
        }
        var reimbursements: [String] = []
        for s in summaries {
            for c in s.claims where c.settled == nil && Deadlines.reimbursementOverdue(claimedOn: c.claimed, on: today) {
                reimbursements.append(s.caseID)
                break
            }
        }
        groups = [
            ("obligation.formal_request", noRequest), ("obligation.scope", noScope), ("obligation.presentation_overdue", overdue),
            ("obligation.presentation_due", due), ("obligation.reimbursement", reimbursements),
        ]
    }

}
