import ArgumentParser
import Bundles
import Dispatch
import Federation
import Foundation
import Ledger
import Synchronization

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Pull every peer the trust policy lists with a URL, from what it serves, and import what is new.",
        discussion: """
            For each `log <vkey> <url>` of the policy (`amparo policy set`): its /checkpoint (signed by \
            its node key, cosigned to the policy's quorum), its tiles (c2sp.org/tlog-tiles) and entry \
            bundles from the size held, where each entry was first recorded (/amparo/placed/) and the \
            fork evidence it holds (/amparo/evidence). The peer's own events (and every key event) are \
            imported with every check of `amparo bundle import`: signatures, the personal-data screen, \
            the peer's tree placed against the one held (a FORK keeps its evidence and admits nothing \
            of the other branch), evidence. The peer's checkpoint, once accepted, is submitted to every \
            witness of the policy but the peer's own (c2sp.org/tlog-witness, with a consistency proof \
            from the tree held of the peer); the line names those that cosigned it, and a witness that \
            did not is a note on stderr. Events a peer received from another node are taken from \
            that node. One line a peer; a progress bar on stderr while a peer is synced, when stderr is \
            a terminal (not with --quiet). A peer's new entries are imported in chunks of 16,384 events (or \
            a 64th of its log when more, or --chunk; at most 32 MiB), one transaction each: a sync killed part way loses and doubles nothing, \
            and the next run resumes from the last chunk imported. With --every, it runs again after each interval until stopped (SIGINT, SIGTERM). \
            A peer served over HTTPS must present a certificate for its host name that chains to the system's trust store, or \
            to --ca-file (else $AMPARO_CA_FILE) when given; redirects are not followed.
            Exit status: 0 every peer synced; 1 a FORK; 2 a peer unreachable, refused (quorum not met, \
            a bad signature) or a usage error, while the other peers go on.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Flag(help: "No progress bar.") var quiet = false

    @Option(
        help: ArgumentHelp(
            "Import at most this many events a transaction (256 to 1048576; default 16384, or a 64th of the peer's log when more).",
            valueName: "EVENTS"))
    var chunk: Int?

    @Option(help: ArgumentHelp("Run again after this interval (e.g. 30s, 5m, 1h) until stopped.", valueName: "DURATION"))
    var every: String?

    @Option(
        help: ArgumentHelp(
            "The CA certificates (PEM) the peers' HTTPS certificates must chain to (default: $AMPARO_CA_FILE, else the system's store).",
            valueName: "FILE"))
    var caFile: String?

    func validate() throws {
        if let chunk, !Sync.chunkRange.contains(chunk) {
            throw ValidationError("--chunk \(chunk) is out of range: give 256 to 1048576 events a transaction")
        }
        if let every, Self.seconds(every) == nil { throw ValidationError("--every \(every) is not a duration such as 30s, 5m or 1h (at least 1s)") }
    }

    static func seconds(_ text: String) -> UInt32? {
        guard let unit = text.last, let n = UInt32(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n.multipliedReportingOverflow(by: 60).overflow ? nil : n * 60
        case "h": return n.multipliedReportingOverflow(by: 3600).overflow ? nil : n * 3600
        default: return nil
        }
    }

    func run() throws {
        let log = try ledger.open()
        try Clients.configure(caFile: caFile)
        guard let (policy, _) = try FederationStore(log: log).policy() else {
            throw LedgerError(.usage, "no trust policy is set: `amparo policy set FILE` names the peers to sync from (log <vkey> <url>)")
        }
        guard policy.logs.contains(where: { $0.url != nil && $0.key.name != log.name }) else {
            throw LedgerError(.usage, "the trust policy names no peer with a URL (log <vkey> <url>): nothing to sync from")
        }
        var status: Int32 = 0
        repeat {
            status = try round(log, policy)
            if let every { sleep(Self.seconds(every) ?? 60) }
        } while every != nil
        if status != 0 { throw ExitCode(status) }
    }

    /// One round: every peer, one line each; the exit status it calls for.
    func round(_ log: EventLog, _ policy: TrustPolicy) throws -> Int32 {
        let screen = Privacy.importScreen(ledger, file: "sync")
        let result = Mutex<[Sync.Outcome]>([])
        let done = DispatchSemaphore(value: 0)
        let work = log.path
        let bars = Mutex<[String: ProgressBar]>([:])
        let quiet = self.quiet
        Task {
            let outcomes = await Sync.pull(
                log: log, policy: policy, work: work, screen: screen,
                progress: { what, done, total in
                    bars.withLock { bars in
                        if bars[what] == nil { bars[what] = ProgressBar(what, quiet: quiet) }
                        bars[what]?.update(done, total)
                    }
                }, chunk: chunk)
            result.withLock { $0 = outcomes }
            done.signal()
        }
        done.wait()
        let outcomes = result.withLock { $0 }
        catchUpAfterAppend(log)
        var status: Int32 = 0
        for o in outcomes {
            if o.ok {
                print(o.summary)
                // A witness that did not cosign is news, not the peer's failure: the status stays.
                for w in o.witnesses where !w.cosigned {
                    Output.note("amparo: \(o.peer): witness \(w.witness) did not cosign its checkpoint: \(w.detail)", oneLine: true)
                }
            } else {
                Output.note("amparo: \(o.peer): \(o.fork ? "" : "not synced: ")\(o.detail)", oneLine: true)
                status = max(status, o.fork ? 1 : 2)
            }
        }
        return outcomes.contains(where: \.fork) ? 1 : status
    }
}
