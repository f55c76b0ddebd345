import ArgumentParser
import Bundles
import Foundation
import Ledger

@main
struct Amparo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amparo",
        abstract: "A signed, append-only ledger of consular protection cases under the RCM Agreement.",
        discussion: """
            Every act is a signed event appended to an LMDB-backed Merkle log. Exit status: 0 success, \
            1 breaches found (verify) or an act refused by the rules, 2 usage, input or I/O error.
            The ledger directory is --ledger, else $AMPARO_LEDGER, else ./amparo-ledger.
            """,
        version: "amparo 0.9 (ledger format \(EventLog.formatVersion), bundle format \(BundleFormat.version))",

        subcommands: [
            InitCommand.self, KeysCommand.self, AppendCommand.self, CaseCommand.self, NetworkCommand.self,
            MeetingCommand.self, LogCommand.self, ReplayCommand.self, CheckpointCommand.self, ProveCommand.self,
            VerifyCommand.self, CasesCommand.self, WorkloadCommand.self, ReportCommand.self, RebuildCommand.self,
            BackupCommand.self, RestoreCommand.self, ResumeCommand.self,
            PersonCommand.self, BundleCommand.self, PeersCommand.self, EvidenceCommand.self, WitnessCommand.self, PolicyCommand.self, SyncCommand.self,
            CatalogCommand.self,
            DemoCommand.self,
            ServeCommand.self,
        ]
    )

    /// Parses, runs, and turns every failure into one line on stderr and an exit status:
    /// 0 success, 1 breaches/refusals (commands throw `ExitCode(1)`), 2 usage, input or I/O errors.
    static func main() {
        // A full file-size limit must surface as EFBIG ("disk full"), not kill the process mid-write.
        signal(SIGXFSZ, SIG_IGN)
        // A reader that stops early (`| head`) ends the output quietly, not the process.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            // A group alone (`amparo case`) names no act: its help, and exit status 2.
            let configuration = type(of: command).configuration
            if !configuration.subcommands.isEmpty, configuration.defaultSubcommand == nil {
                print(helpMessage(for: type(of: command)))
                Output.fail(Strings.subcommandMissing(Output.commandPath()))
            }
            try command.run()
        } catch let error as LedgerError {
            // A peer's history that does not extend what it signed before is a finding (exit 1).
            Output.fail(Strings.withAdvice(error), status: error.code == .fork ? 1 : 2)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if code == .validationFailure {
                Output.fail("\(message) (see `amparo \(Output.commandPath())--help`)")
            }
            Output.fail(message)
        }
    }
}
