import Agreement
import Bundles
import Federation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import L10n
import Ledger
import Logging
import NIOSSL
import Projections
import Service
import ServiceLifecycle
import Synchronization

/// How `amparo serve` runs: where it listens, who may look, what it publishes.
package struct ConsoleConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    /// The bearer token every request must carry (`--token-file`); nil on loopback without one.
    package var token: [UInt8]?
    /// `/checkpoint` and `/tile/…` without the token (`--public-log`).
    package var publicLog = false
    /// Published counts below this are suppressed in the meeting reports (`--min-cell`).
    package var minCell = 5
    /// Cases per page of the case list.
    package var pageSize = 50
    /// How often the background verify looks for a log that grew.
    package var verifyEvery: Duration = .seconds(30)
    /// The language when neither the switch nor the browser names one.
    package var defaultLanguage: Language = .en
    /// With a cosigner, the node answers C2SP tlog-witness `POST /add-checkpoint` for the logs it
    /// knows (`--witness`), cosigning with its own witness key.
    package var cosigner: Cosigner?
    /// With an interval, the node syncs from the peers of its trust policy in the background
    /// (`--sync-every`), each round through `screen()`, the import's personal-data screen.
    package var syncEvery: Duration?
    package var syncScreen: @Sendable () -> ImportScreen = { { _ in } }
    /// Where the structured log goes (`serve`: JSON lines on stderr, ``JSONLogHandler``); nowhere
    /// unless set.
    /// With a configuration, the console speaks HTTPS only (`--tls-cert`, `--tls-key`).
    package var tls: TLSConfiguration?
    package var logger = Logger(label: "amparo.serve", factory: { _ in SwiftLogNoOpLogHandler() })

    package init() {}

    /// Loopback: 127.0.0.0/8, ::1, localhost.
    package static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

/// The last run of the background verify: what the dashboard shows and the case filter uses.
package struct VerifyRun: Sendable {
    package let events: UInt64
    package let finished: Date
    package let breaches: [Breach]
    /// The ids of the cases with at least one finding.
    package let casesWithFindings: Set<String>
    /// References to acts this node does not hold yet (not findings).
    package var pending: [PendingReference] = []
}

/// The Secretariat's read-only console over one ledger: it never holds a signing key and never
/// appends; it brings the projections up to date as the CLI does and reads one snapshot per request.
package final class Console: Sendable {
    package let log: EventLog
    package let configuration: ConsoleConfiguration
    /// `/metrics` and `/healthz`.
    package let monitor = Monitor()
    let verifyState = Mutex<(last: VerifyRun?, running: Bool, error: String?)>((nil, false, nil))

    package init(log: EventLog, configuration: ConsoleConfiguration) {
        self.log = log
        self.configuration = configuration
    }

    /// The last verify run, if one finished.
    package var lastVerify: VerifyRun? { verifyState.withLock { $0.last } }

    /// Runs `amparo verify`'s checks over the log as it is now, unless the last run already covered
    /// this size; keeps the result for the dashboard.
    package func verifyIfGrown() {
        let start = verifyState.withLock { state -> Bool in
            if state.running { return false }
            state.running = true
            return true
        }
        guard start else { return }
        defer { verifyState.withLock { $0.running = false } }
        do {
            let size = try log.size()
            if let last = lastVerify, last.events == size { return }
            let report = try Audit.verify(log)
            var run = VerifyRun(
                events: report.events, finished: Date(), breaches: report.breaches,
                casesWithFindings: Set(report.breaches.compactMap(\.caseID)))
            run.pending = report.pending
            verifyState.withLock {
                $0.last = run
                $0.error = nil
            }
        } catch {
            verifyState.withLock { $0.error = "\(error)" }
            configuration.logger.error("verify failed", metadata: ["error": "\(error)"])
        }
    }

    /// Brings the projections up to date when the ledger is writable; a read-only ledger or a full
    /// disk leaves them where they are (the pages say how far behind).
    func projections() throws -> ProjectionStore {
        let store = try ProjectionStore(log: log)
        if !log.isReadOnly {
            do {
                try store.catchUp()
            } catch let error as LedgerError where error.code == .readOnly || error.code == .diskFull {}
        }
        return store
    }

    /// The application: routes, access control, security headers; with the background verify.
    /// `onRunning` hears the port once the server listens (the one chosen when asked for port 0).
    package func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        var app = Application(
            router: router(),
            server: try configuration.tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "amparo"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: {
                // Hummingbird's own lines (a connection's errors): warnings and worse, in the same log.
                var logger = configuration.logger
                logger.logLevel = max(logger.logLevel, .warning)
                return logger
            }()
        )
        app.addServices(BackgroundVerify(console: self))
        if configuration.syncEvery != nil { app.addServices(BackgroundSync(console: self)) }
        return app
    }

    package func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: Observe(console: self))
        router.add(middleware: Guard(console: self))
        Routes(console: self).register(on: router)
        return router
    }
}

/// Runs verify at start and then whenever the log grew, on a thread of its own (never on the
/// request threads). A graceful shutdown (SIGTERM, SIGINT) ends the loop at once; a run in progress
/// ends with the process.
struct BackgroundVerify: ServiceLifecycle.Service {
    let console: Console

    func run() async throws {
        let console = self.console
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    Thread.detachNewThread { console.verifyIfGrown() }
                    try await Task.sleep(for: console.configuration.verifyEvery)
                }
            }
        } catch is CancellationError {}
    }
}

/// `amparo sync` in the background (`serve --sync-every`): a round at start and after every
/// interval, one line on stderr a peer that failed; the projections catch up after it.
struct BackgroundSync: ServiceLifecycle.Service {
    let console: Console

    func run() async throws {
        let console = self.console
        guard let every = console.configuration.syncEvery else { return }
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if let (policy, _) = try? FederationStore(log: console.log).policy() {
                        let outcomes = await Sync.pull(log: console.log, policy: policy, work: console.log.path, screen: console.configuration.syncScreen())
                        for o in outcomes {
                            console.monitor.syncRound(peer: o.peer, ok: o.ok)
                            // What a peer sent may be in `detail`: the handler escapes it to one line.
                            if o.ok {
                                console.configuration.logger.info("sync round", metadata: ["peer": "\(o.peer)", "outcome": "ok", "detail": "\(o.detail)"])
                            } else {
                                console.configuration.logger.warning(
                                    "sync round", metadata: ["peer": "\(o.peer)", "outcome": "failed", "detail": "\(o.detail)"])
                            }
                        }
                        _ = try? console.projections()
                    }
                    try await Task.sleep(for: every)
                }
            }
        } catch is CancellationError {}
    }
}

/// Every request counted and timed by route (`/metrics`), and logged in one line: method, route,
/// path (never the query string), status, milliseconds; a refusal (4xx) at `notice`.
struct Observe: RouterMiddleware {
    typealias Context = BasicRequestContext
    let console: Console

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        console.monitor.request(route: route, method: request.method.rawValue, status: status, seconds: seconds)
        let metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(route)", "path": "\(request.uri.path)", "status": "\(status)",
            "ms": "\(String(format: "%.1f", seconds * 1000))",
        ]
        console.configuration.logger.log(level: (400..<500).contains(status) ? .notice : .info, "request", metadata: metadata)
        return response
    }
}

/// Access control and the headers every response carries.
struct Guard: RouterMiddleware {
    typealias Context = BasicRequestContext
    let console: Console

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        if let token = console.configuration.token, request.uri.path != "/healthz",
            !(console.configuration.publicLog && Guard.isLogPath(request.uri.path)),
            !Guard.authorized(request.headers[.authorization], token: token)
        {
            let t = Localizer(Pages.language(request, default: console.configuration.defaultLanguage))
            response = Pages.error(request, t, status: .unauthorized, message: t("error.token"))
            response.headers[.wwwAuthenticate] = "Bearer realm=\"amparo\""
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                let t = Localizer(Pages.language(request, default: console.configuration.defaultLanguage))
                response = Pages.error(
                    request, t, status: error.status, message: error.body ?? (error.status == .notFound ? t("error.not_found") : t("error.bad_request")))
            } catch let error as LedgerError {
                let t = Localizer(Pages.language(request, default: console.configuration.defaultLanguage))
                let status: HTTPResponse.Status = error.code == .notFound ? .notFound : .internalServerError
                response = Pages.error(request, t, status: status, message: error.message)
            } catch {
                let t = Localizer(Pages.language(request, default: console.configuration.defaultLanguage))
                response = Pages.error(request, t, status: .internalServerError, message: t("error.internal"))
            }
        }
        Guard.secure(&response.headers)
        return response
    }

    /// `/checkpoint`, `/tile/…`, the witness's `/add-checkpoint` and what peers sync from
    /// (`/amparo/placed/…`, `/amparo/evidence`): what `--public-log` opens.
    static func isLogPath(_ path: String) -> Bool {
        path == "/checkpoint" || path.hasPrefix("/tile/") || path == "/add-checkpoint" || path.hasPrefix("/amparo/placed/") || path == "/amparo/evidence"
    }

    /// `Bearer TOKEN`, the token compared in constant time (every byte, whatever differs first).
    static func authorized(_ header: String?, token: [UInt8]) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.utf8.dropFirst(7))
        var diff = UInt8(given.count == token.count ? 0 : 1)
        for i in 0..<token.count { diff |= token[i] ^ (i < given.count ? given[i] : 0) }
        return diff == 0
    }

    /// No framing, no inline script, nothing from elsewhere; no sniffing, no referrer.
    static func secure(_ headers: inout HTTPFields) {
        // A response that set its own policy (the standalone report's) keeps it.
        if headers[.contentSecurityPolicy] == nil {
            headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        }
        headers[.xFrameOptions] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
    }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
