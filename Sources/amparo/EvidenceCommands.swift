import ArgumentParser
import Bundles
import Foundation
import Ledger

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Fork evidence as a file: export what this node holds, check a file, import it.",
        discussion: """
            Fork evidence proves that one origin signed two histories: two of its signed \
            checkpoints and, when their sizes differ, two different leaves at one index with their \
            inclusion proofs (and the signed events when the finder held them). Anyone checks it \
            with the origin's verifier key alone, whoever passed it on. Format: docs/federation.md. \
            Bundles carry it too; `amparo peers` and `amparo verify` show it.
            Exit status: 0 done, 2 usage, I/O error or evidence that does not hold (nothing stored).
            """,
        subcommands: [Export.self, Verify.self, Import.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every fork evidence this node holds (or one origin's) to a file, one per line.",
            discussion: "Exit status: 0 written, 2 when there is none to write, --out exists (without --force), or on an I/O error.")
        @OptionGroup var ledger: LedgerOptions
        @Option(help: ArgumentHelp("The evidence file to write (refused if it exists, unless --force).", valueName: "FILE")) var out: String
        @Flag(help: "Replace --out if it exists (refused otherwise).") var force = false
        @Option(help: ArgumentHelp("Only the evidence about this origin (a ledger name).", valueName: "NAME")) var origin: String?

        func run() throws {
            let forks = try PeerStore(log: try ledger.open()).forks().filter { origin == nil || $0.origin == origin }
            guard !forks.isEmpty else {
                throw LedgerError(.notFound, "this ledger holds no fork evidence\(origin.map { " about \($0)" } ?? "") (`amparo peers` lists what it holds)")
            }
            try FileIO.create(out, replacing: force) { write in try write(EvidenceFile.encode(forks.map(\.evidence))) }
            let origins = Set(forks.map(\.origin)).sorted().joined(separator: ", ")
            print("wrote \(out): \(forks.count) fork evidence about \(origins)")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a fork evidence file without storing it.",
            discussion: """
                Each line is checked with the origin's verifier key: --origin-key, else the key this \
                ledger holds for the origin (from its bundles), else the key the evidence names (then \
                compare that key with the one the origin publishes: `amparo keys show --node` on its \
                node). Exit status: 0 every line holds, 2 otherwise.
                """)
        @Option(help: ArgumentHelp("The receiving ledger (default: $AMPARO_LEDGER, else ./amparo-ledger); optional.", valueName: "DIR")) var ledger: String?
        @Option(
            name: .customLong("origin-key"),
            help: ArgumentHelp("The verifier key of the origin the evidence is about (NAME+KEYID+BASE64, or a file holding it).", valueName: "VKEY"))
        var originKey: String?
        @Argument(help: "The evidence file.") var file: String

        func run() throws {
            let evidence = try EvidenceFile.decode(try readInput(file), path: file)
            let path = LedgerOptions.path(ledger)
            let log = FileManager.default.fileExists(atPath: path) && originKey == nil ? try EventLog.open(path: path) : nil
            for e in evidence {
                let known =
                    try originKey.map { try OriginVerification.originKey(e.origin, given: $0, log: nil) }
                    ?? log.flatMap { try PeerStore(log: $0).record(e.origin)?.nodeKey ?? ($0.name == e.origin ? $0.nodeKey : nil) }
                let (a, b) = try e.check(knownKey: known)
                let how = known == nil ? "the key it names, \(e.originKey) (compare it with the one \(e.origin) publishes)" : "\(known!.reference)"
                print("\(file): \(e.origin) signed two histories: checkpoints of \(a.size) and \(b.size) events, checked with \(how)")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a fork evidence file and store what holds (all or nothing).",
            discussion: """
                Each line is checked with the key this ledger holds for its origin (from its bundles), \
                or the key it names when this ledger knows none. One line that does not hold stores \
                nothing. Afterwards `amparo verify` exits 1 naming the origin, and `amparo peers` and \
                the console's dashboard show it; bundles this node exports carry it on. \
                Exit status: 0 stored (or already held), 2 evidence that does not hold, or an I/O error.
                """)
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The evidence file.") var file: String

        func run() throws {
            let evidence = try EvidenceFile.decode(try readInput(file), path: file)
            let added = try PeerStore(log: try ledger.open()).importEvidence(evidence)
            let origins = Set(evidence.map(\.origin)).sorted().joined(separator: ", ")
            print("\(file): \(evidence.count) fork evidence about \(origins) checked; \(added) new stored, \(evidence.count - added) already held")
        }
    }
}
