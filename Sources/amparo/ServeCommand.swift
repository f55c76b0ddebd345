import ArgumentParser
import Bundles
import Console
import Dispatch
import Federation
import Foundation
import Hummingbird
import L10n
import Ledger
import Logging
import NIOSSL
import Synchronization

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Secretariat's read-only web console and the log as C2SP tlog-tiles.",
        discussion: """
            Pages: / (dashboard), /cases, /cases/ID (the auditor's replay), /proof/SEQ, /meetings, /meetings/ID. \
            JSON: /api/cases, /api/cases/ID, /api/workload, /api/meetings, /api/meetings/ID, /api/verify, /api/proof/SEQ \
            (docs/api.md). Transparency log: /checkpoint, /tile/L/N[.p/W], /tile/entries/N[.p/W] (c2sp.org/tlog-tiles). \
            The console never signs the log and never appends; it brings the projections up to date as the CLI does and \
            runs verify in the background whenever the log grew. With --witness it also answers POST /add-checkpoint \
            (c2sp.org/tlog-witness) for the logs this node knows from their bundles, cosigning with its own witness key \
            (c2sp.org/tlog-cosignature), never with the node key. With --sync-every it syncs from the peers of the \
            trust policy in the background, as `amparo sync` does (docs/federation.md). It listens on loopback unless told otherwise; any other \
            address needs --token-file (--public-log opens /checkpoint, /tile/ and /add-checkpoint without it) and, so that the \
            token never crosses the network in clear, --tls-cert and --tls-key (HTTPS, TLS 1.2 and 1.3 only), or \
            --insecure-http on purpose (a TLS proxy in front). Monitoring (docs/operations.md): /healthz answers 200 "ready" or \
            503 with the reason, without the token; /metrics is the Prometheus text format (log size, appends, checkpoint age, \
            findings by force, projection lag, requests and their latency by route, sync rounds per peer, cosignatures). The log \
            is JSON lines on stderr (one per request, sync round and refusal; --log-level). Stop it with Ctrl-C (SIGINT) or \
            SIGTERM.
            Exit status: 0 stopped by a signal, 2 usage error, a port in use, a ledger that cannot be opened, or --witness on a \
            ledger restored from a backup and not resumed (`amparo resume`).
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("Address and port to listen on (IPv6 in brackets: [::1]:8080).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "A file holding the bearer token every request must carry (Authorization: Bearer TOKEN); required to listen beyond loopback.",
            valueName: "FILE"))
    var tokenFile: String?

    @Flag(help: "Serve /checkpoint and /tile/... without the token (they hold no more than a bundle does).")
    var publicLog = false

    @Option(parsing: .unconditional, help: "Counts below this are suppressed in the meeting reports, as published.")
    var minCell: Int = 5

    @Option(help: ArgumentHelp("The console's language when the browser names neither es nor en (default: from LANG/LC_ALL).", valueName: "es|en"))
    var lang: String?

    @Flag(
        help:
            "Witness the logs this node knows (C2SP tlog-witness POST /add-checkpoint), cosigning with the witness key (`amparo witness key` creates it); the ledger must be writable."
    )
    var witness = false

    @Option(
        help: ArgumentHelp(
            "Sync from the peers of the trust policy in the background, at start and then after each interval (e.g. 30s, 5m), as `amparo sync` does; the ledger must be writable.",
            valueName: "DURATION"))
    var syncEvery: String?

    @Option(help: ArgumentHelp("The server's certificate chain (PEM), for HTTPS; with --tls-key.", valueName: "FILE"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The server's private key (PEM), for HTTPS; with --tls-cert.", valueName: "FILE"))
    var tlsKey: String?

    @Flag(help: "Allow the bearer token over plain HTTP beyond loopback (only behind a proxy that terminates TLS).")
    var insecureHttp = false

    @Option(
        help: ArgumentHelp(
            "The CA certificates (PEM) the peers' HTTPS certificates must chain to, for --sync-every and witnesses (default: $AMPARO_CA_FILE, else the system's store).",
            valueName: "FILE"))
    var caFile: String?

    @Option(help: ArgumentHelp("The least level logged: trace, debug, info, notice, warning, error or critical.", valueName: "LEVEL"))
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel) is not trace, debug, info, notice, warning, error or critical")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together: give both, for HTTPS") }
        if tokenFile != nil, tlsCert == nil, !insecureHttp, !ConsoleConfiguration.isLoopback(try Self.hostPort(listen).host) {
            throw ValidationError(
                "--listen \(listen) is not a loopback address and the bearer token would cross the network in clear: give --tls-cert FILE and --tls-key FILE, or --insecure-http if a proxy in front terminates TLS"
            )
        }
        guard minCell >= 1 else { throw ValidationError("--min-cell must be at least 1") }
        _ = try Self.hostPort(listen)
        if let lang, Language(rawValue: lang) == nil { throw ValidationError("--lang \(lang) is not es or en") }
        if let syncEvery, SyncCommand.seconds(syncEvery) == nil {
            throw ValidationError("--sync-every \(syncEvery) is not a duration such as 30s, 5m or 1h (at least 1s)")
        }
        if tokenFile == nil, !ConsoleConfiguration.isLoopback(try Self.hostPort(listen).host) {
            throw ValidationError(
                "--listen \(listen) is not a loopback address: anyone who reaches it could read the ledger; give --token-file FILE (a bearer token), or listen on 127.0.0.1"
            )
        }
    }

    /// "127.0.0.1:8080" → ("127.0.0.1", 8080); "[::1]:8080" → ("::1", 8080).
    static func hostPort(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":") else { throw ValidationError("--listen \(text) is not HOST:PORT, e.g. 127.0.0.1:8080") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else {
            throw ValidationError("--listen \(text) is not HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8080")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// The token: the file's text without surrounding white space, at least 16 characters.
    static func token(_ path: String) throws -> [UInt8] {
        let text = String(decoding: try FileIO.read(path, limit: 4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count >= 16, !text.contains(where: { $0.isWhitespace }) else {
            throw LedgerError(.usage, "\(path) must hold one token of at least 16 characters without spaces (e.g. `openssl rand -hex 32 > \(path)`)")
        }
        return Array(text.utf8)
    }

    /// HTTPS with the certificate chain and key given: TLS 1.2 and 1.3 only.
    static func tls(cert: String, key: String) throws -> TLSConfiguration {
        let chain = try Clients.certificates(cert, name: "--tls-cert \(cert)")
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: try FileIO.read(key, limit: 1 << 20), format: .pem)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError(.usage, "--tls-key \(key) holds no PEM private key (\(error))")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        tls.minimumTLSVersion = .tlsv12
        tls.maximumTLSVersion = .tlsv13
        return tls
    }

    func run() throws {
        let (host, port) = try Self.hostPort(listen)
        var config = ConsoleConfiguration()
        if let tlsCert, let tlsKey { config.tls = try Self.tls(cert: tlsCert, key: tlsKey) }
        try Clients.configure(caFile: caFile)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        config.logger = Logger(label: "amparo.serve") { label in JSONLogHandler(label: label, level: level) }
        config.host = host
        config.port = port
        config.publicLog = publicLog
        config.minCell = minCell
        config.token = try tokenFile.map(Self.token)
        config.defaultLanguage = lang.flatMap(Language.init(rawValue:)) ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)
        let log = try ledger.open()
        if witness {
            guard !log.isReadOnly else {
                throw LedgerError(.readOnly, "\(log.path) is read-only: a witness stores what it cosigns; serve --witness where the ledger can be written")
            }
            // A restored witness remembers less than it cosigned: it could cosign a fork.
            if let hold = try log.signingHold() {
                throw LedgerError(
                    .signingHeld,
                    "\(log.path) was restored from a backup at tree size \(hold.size): its witness state may be older than what it cosigned; run `amparo resume` before serve --witness (docs/operations.md)"
                )
            }
            config.cosigner = try Witness.cosigner(for: log, create: false).0
        }
        if let syncEvery, let seconds = SyncCommand.seconds(syncEvery) {
            guard !log.isReadOnly else {
                throw LedgerError(.readOnly, "\(log.path) is read-only: sync appends; serve --sync-every where the ledger can be written")
            }
            config.syncEvery = .seconds(Int64(seconds))
            let options = ledger
            config.syncScreen = { Privacy.importScreen(options, file: "sync") }
        }
        let console = Console(log: log, configuration: config)
        let https = config.tls != nil
        let app = try console.application { port in Output.note(Strings.serving(host: host, port: port, ledger: ledger.path, https: https)) }
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        Task {
            do {
                try await app.runService()
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            done.signal()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) {
            throw LedgerError(.io, Strings.cannotListen(listen, message))
        }
    }
}
