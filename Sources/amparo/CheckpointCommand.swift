import ArgumentParser
import Ledger

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the signed checkpoint of the log (C2SP tlog-checkpoint in a signed note).",
        discussion: "Keep it: `amparo verify --checkpoint FILE` later proves the log only grew since."
    )

    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        print(try ledger.open().checkpoint().serialized, terminator: "")
    }
}
