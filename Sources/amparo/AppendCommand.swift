import ArgumentParser
import Foundation
import Ledger
import Service

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Sign drafts (JSON Lines) as the key's actor and append them in one transaction.",
        discussion: """
            Each line is {"id"?, "type", "case"?, "occurred", "payload"} (event types and payloads: \
            docs/events.md). The actor is whoever the key is registered to. Prints one sequence number \
            per draft. Everything is written or nothing: a malformed line, an unregistered or revoked \
            key, or a different event under a known id refuses the batch (exit 2); an act that breaches \
            the Agreement refuses it with the breach's sentence (exit 1) unless --record-violations. \
            The same draft with the same id again is a no-op (same sequence number).
            """ + " " + ExitStatus.writing)

    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("The signer's private key (PEM).", valueName: "FILE"))
    var key: String

    @Flag(help: "Record acts that breach the Agreement's rules anyway (migrating historic records); verify reports them.")
    var recordViolations = false

    @Flag(help: "Take a date before 2000 or more than two years from today (refused otherwise, as most likely a typo).")
    var confirmFarDate = false

    @Argument(help: ArgumentHelp("Drafts as JSON Lines; - for standard input.", valueName: "FILE|-"))
    var input: String = "-"

    func run() throws {
        let log = try ledger.open()
        let signingKey = try SigningKey.load(path: key, name: "signer")
        let source = input == "-" ? "stdin" : input
        let lines = try WriteService.drafts(try readInput(input), source: source)
        let outcome = try Output.refusingBreaches {
            try WriteService(log: log, screenTerms: Privacy.screenTerms(ledger)).record(
                lines, key: signingKey, keyFile: key, source: source, recordViolations: recordViolations, confirmFarDates: confirmFarDate)
        }
        for event in outcome.events { print(event.outcome.seq) }
        Output.reportWrite(outcome)
    }
}
