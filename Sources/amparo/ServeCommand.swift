import ArgumentParser
import Bundles
import Console
import Dispatch
import Foundation
import Hummingbird
import L10n
import Ledger
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
            address needs --token-file (--public-log opens /checkpoint, /tile/ and /add-checkpoint without it). Stop it \
            with Ctrl-C (SIGINT) or SIGTERM.
            Exit status: 0 stopped by a signal, 2 usage error, a port in use or a ledger that cannot be opened.
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

    func validate() throws {
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

    func run() throws {
        let (host, port) = try Self.hostPort(listen)
        var config = ConsoleConfiguration()
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
        let app = console.application { port in Output.note(Strings.serving(host: host, port: port, ledger: ledger.path)) }
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
