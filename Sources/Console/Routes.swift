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

        router.get("/healthz") { _, _ in
            if let reason = Monitor.health(console) { return Self.plain(.serviceUnavailable, "not ready: \(reason)\n") }
            return Self.plain(.ok, "ready\n")
        }
        router.get("/metrics") { _, _ in
            Self.plain(.ok, String(decoding: try console.monitor.exposition(console), as: UTF8.self), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/checkpoint") { _, _ in try checkpoint() }
        if let cosigner = config.cosigner {
            let witness = Witness(log: console.log, cosigner: cosigner)
            router.post("/add-checkpoint") { request, _ in
                let response = try await Self.addCheckpoint(request, witness)
                console.monitor.witnessed(given: response.status == .ok)
                return response
            }
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

    func localizer(_ request: Request) -> Localizer { Localizer(Pages.language(request, default: config.defaultLanguage), prose: true) }

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
}
