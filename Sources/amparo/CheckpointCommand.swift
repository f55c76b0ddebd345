import ArgumentParser
import Bundles
import Dispatch
import Federation
import Ledger
import Synchronization

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the signed checkpoint of the log (C2SP tlog-checkpoint in a signed note), with the witnesses' cosignatures it collected.",
        discussion: """
            Keep it: `amparo verify --checkpoint FILE` later proves the log only grew since. With \
            --collect, the checkpoint is first submitted to every witness the trust policy \
            (`amparo policy set`) names with a URL (c2sp.org/tlog-witness); each cosignature that \
            verifies with that witness's key is kept and printed with the checkpoint, and one line a \
            witness on stderr says what it answered. Exit status: 0; 1 with --collect when the \
            cosignatures do not meet the policy's quorum; 2 on a usage or I/O error.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Flag(help: "Submit the checkpoint to the policy's witnesses first and keep their cosignatures.")
    var collect = false

    func run() throws {
        let log = try ledger.open()
        let store = FederationStore(log: log)
        guard collect else {
            print(try store.cosigned(try log.checkpoint()), terminator: "")
            return
        }
        // Witnesses over HTTPS: the system's trust store, or $AMPARO_CA_FILE.
        try Clients.configure(caFile: nil)
        guard let (policy, _) = try store.policy() else {
            throw LedgerError(.usage, "no trust policy is set: `amparo policy set FILE` names the witnesses to collect cosignatures from")
        }
        let result = Mutex<Result<(note: SignedNote, outcomes: [Cosigning.Outcome]), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value: Result<(note: SignedNote, outcomes: [Cosigning.Outcome]), any Error>
            do { value = .success(try await Cosigning.collect(log: log, policy: policy)) } catch { value = .failure(error) }
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        let (note, outcomes) = try result.withLock { $0! }.get()
        for o in outcomes { Output.note("amparo: witness \(o.witness): \(o.cosigned ? o.detail : "not cosigned: " + o.detail)") }
        let full = try store.cosigned(note)
        print(full, terminator: "")
        let verdict = policy.evaluate(try SignedNote(parsing: full))
        if !verdict.accepted {
            Output.note("amparo: the cosignatures (\(verdict.cosigned.joined(separator: ", ").nonEmpty ?? "none")) do not meet the policy's quorum")
            throw ExitCode(1)
        }
    }
}

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "The trust policy this node applies (C2SP tlog-policy): the logs and witnesses it trusts and the quorum.",
        discussion: """
            One directive a line: `log <vkey> [<url>]`, `witness <name> <vkey> [<url>]` (the witness's \
            key from `amparo witness key` on its node; the URL its submission prefix), `group <name> \
            all|any|<k> <member>...`, `quorum <name>|none`. With a policy set, `bundle import` and \
            `bundle verify` accept a bundle only from a log it lists whose checkpoint's cosignatures \
            meet the quorum, and `checkpoint --collect` asks its witnesses to cosign this node's \
            checkpoints. docs/federation.md. Exit status: 0, or 2 for a policy that does not parse \
            (nothing stored).
            """,
        subcommands: [Set.self, Show.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a policy file and make it this node's.", discussion: ExitStatus.storing)
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The policy file.") var file: String

        func run() throws {
            let policy = try FederationStore(log: try ledger.open()).setPolicy(try readInput(file), path: file)
            let quorum = policy.quorum.map { _ in "a quorum" } ?? "no quorum (quorum none)"
            print(
                "policy set: \(policy.logs.count) log\(policy.logs.count == 1 ? "" : "s"), \(policy.witnesses.count) witness\(policy.witnesses.count == 1 ? "" : "es"), \(policy.groups.count) group\(policy.groups.count == 1 ? "" : "s"), \(quorum)"
            )
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the policy this node applies.", discussion: ExitStatus.reading)
        @OptionGroup var ledger: LedgerOptions

        func run() throws {
            guard let (_, text) = try FederationStore(log: try ledger.open()).policy() else {
                print("no trust policy set: bundles are accepted from any log whose node key this node trusts (docs/federation.md)")
                return
            }
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
