import ArgumentParser
import Bundles
import Foundation
import Ledger
import Projections
import Reports

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Signed, zstd-compressed event bundles between ledgers: export, inspect, verify, import.",
        discussion: "Format: docs/bundles.md. A bundle carries signed events only: never personal data." + " " + ExitStatus.group,
        subcommands: [Export.self, Inspect.self, Verify.self, Import.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a bundle of this ledger's events, signed by the exporter.",
            discussion:
                "Selects the events in [--from, --to] of the given cases and actor (all when no filter); the ledger's key events always travel too, so the receiver can check every signature. Streams: memory stays bounded."
                + " " + ExitStatus.making)
        @OptionGroup var ledger: LedgerOptions
        @Option(help: ArgumentHelp("The exporter's private key (PEM); its registered actor signs the bundle.", valueName: "FILE")) var key: String
        @Option(help: ArgumentHelp("The bundle file to write (refused if it exists, unless --force).", valueName: "FILE")) var out: String
        @Flag(help: "Replace --out if it exists (refused otherwise).") var force = false
        @Option(name: .customLong("case"), help: ArgumentHelp("Only this case (repeat for several).", valueName: "ID")) var cases: [String] = []
        @Option(parsing: .unconditional, help: ArgumentHelp("First sequence number.", valueName: "SEQ")) var from: UInt64?
        @Option(parsing: .unconditional, help: ArgumentHelp("Last sequence number.", valueName: "SEQ")) var to: UInt64?
        @Option(help: ArgumentHelp("Only events recorded by this actor.", valueName: "CODE")) var actor: String?
        @Flag(help: "No progress bar.") var quiet = false

        func run() throws {
            let log = try ledger.open()
            let bar = ProgressBar("exporting", quiet: quiet)
            let header = try Bundles.export(
                log: log, key: try SigningKey.load(path: key, name: "signer"), keyFile: key,
                selection: .init(cases: cases, from: from, to: to, actor: actor), out: out, replacing: force, progress: bar.update)
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print("wrote \(out): \(header.count) events of \(header.origin), signed by \(header.exporter), \(size) bytes (zstd)")
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show a bundle's header, counts by type and case, signers, the logs it relays, the fork evidence it carries and how many free-text values it carries words for, without importing it.",
            discussion:
                "Nothing is checked but the structure: `amparo bundle verify` checks the signatures. Exit status: 0, or 2 when the file is not a bundle.")
        @Argument(help: "The bundle file.") var file: String

        func run() throws {
            let b = try Bundles.parse(path: file)
            let h = b.header
            print("bundle \(file): format \(BundleFormat.version), origin \(h.origin), exporter \(h.exporter)")
            print("selection: \(CanonicalJSON.string(.object(h.selection)))")
            let cp = try Checkpoint(text: try SignedNote(parsing: h.checkpoint).text)
            print(
                "events: \(b.events.count) (header says \(h.count)); Merkle root \(h.root.base64)\(h.root == b.computedRoot ? "" : " (does NOT match the events)")"
            )
            print(
                "origin checkpoint: \(cp.size) events, root \(cp.root.base64); consistency proofs from sizes: \(h.consistency.map { String($0.from) }.joined(separator: ", ").nonEmpty ?? "none")"
            )
            print("signed by: \(b.note.signatures.map { "\($0.name)+\($0.keyID.hex)" }.joined(separator: ", "))")
            for l in h.logs {
                let size = (try? Checkpoint(text: SignedNote(parsing: l.checkpoint).text).size).map(String.init) ?? "?"
                print("relayed log: \(l.origin), \(size) events, node key \(l.originKey)")
            }
            for e in h.evidence { print("fork evidence: \(e.origin) signed two histories") }
            // The words section: how many of the events' free-text values it carries (never the words).
            let values = b.events.reduce(0) { $0 + Words.commitments(in: $1.envelope.payload).count }
            print("free-text values: \(values) in the events; words carried for \(b.wordsCount) (the others erased at the exporter, or withheld)")
            var byType: [String: Int] = [:]
            var byCase: [String: Int] = [:]
            var signers: [String: Int] = [:]
            for e in b.events {
                byType[e.envelope.type, default: 0] += 1
                byCase[e.envelope.caseID ?? "(network)", default: 0] += 1
                signers[e.signature.key, default: 0] += 1
            }
            print("by type:")
            print(Render.text(byType.keys.sorted().map { ["  " + $0, String(byType[$0]!)] }, numbers: false), terminator: "")
            print("by case:")
            print(Render.text(byCase.keys.sorted().map { ["  " + $0, String(byCase[$0]!)] }, numbers: false), terminator: "")
            print("signers:")
            print(Render.text(signers.keys.sorted().map { ["  " + $0, String(signers[$0]!)] }, numbers: false), terminator: "")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a bundle: every signature, the exporter's signature, the Merkle root, and that the origin's log only grew.",
            discussion:
                "Keys come from the receiving ledger (--ledger), extended by the key events inside the bundle; or, with --secretariat-key, from the bundle's key events chained to that Secretariat key. Every log the bundle carries (the origin's and those it relays) is placed against the tree this ledger holds of its origin, every event against the log its placement names, and the fork evidence it carries is checked (docs/federation.md). Nothing is recorded. Exit status 0 when it verifies; 1 (FORK) when a log it carries does not agree with the one this ledger holds of that origin; 2 otherwise (one line saying why)."
        )
        @Option(help: ArgumentHelp("The receiving ledger (default: $AMPARO_LEDGER, else ./amparo-ledger).", valueName: "DIR")) var ledger: String?
        @Option(help: ArgumentHelp("Verify without a ledger, trusting this Secretariat verifier key (file or text).", valueName: "VKEY")) var secretariatKey:
            String?
        @Argument(help: "The bundle file.") var file: String

        func run() throws {
            let parsed = try Bundles.parse(path: file)
            let verified: VerifiedBundle
            if let secretariatKey {
                guard case .verifierKey(let anchor) = try InitCommand.readSecretariatKey(secretariatKey) else {
                    throw ValidationError("--secretariat-key takes the Secretariat's public verifier key, not its private key")
                }
                verified = try Bundles.verify(parsed, trustAnchor: anchor, heldKeyEvents: [], path: file)
            } else {
                let log = try EventLog.open(path: LedgerOptions.path(ledger))
                verified = try Bundles.verify(
                    parsed, trustAnchor: log.trustAnchor, heldKeyEvents: try log.keyEvents().map { ($0.seq, $0.event) },
                    held: HeldLogs(log: log), policy: try FederationStore(log: log).policy()?.policy, path: file)
            }
            if let fork = verified.forks.first {
                throw LedgerError(
                    .fork, Bundles.forkMessage(path: file, forks: verified.forks.map { ($0.origin, $0.why) }, added: nil, withheld: Int(fork.withheld)))
            }
            let relayed = verified.placements.dropFirst().map { "\($0.origin): \($0.growth(imported: false))" }
            print(
                "bundle \(file) verifies: \(verified.events.count) events of \(verified.header.origin) signed by their authors; bundle signed by \(verified.exporterKey.reference); Merkle root matches; \(verified.placements[0].growth(imported: false))\(relayed.isEmpty ? "" : "; relayed logs placed: " + relayed.joined(separator: "; "))\(verified.cosigners.isEmpty ? "" : "; checkpoint cosigned by " + verified.cosigners.joined(separator: ", ") + " (the trust policy's quorum is met)")"
            )
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a bundle, then append its events all or nothing.",
            discussion:
                "Events already held are skipped (importing a bundle twice is a no-op). A different event under a known id is refused as equivocation. A log the bundle carries (the origin's, or one it relays) that does not agree with the one held of that origin is a FORK: its evidence is kept (`amparo peers`, `amparo evidence export`), nothing of its other branch is admitted, the events of the agreeing logs are, and the exit status is 1. Fork evidence the bundle carries is checked and stored. Acts that breach the Agreement are imported (the sender's acts are facts) and `amparo verify` reports them; an act its signer may not make (AUTHORITY) is kept as evidence and changes no case. Exit status: 0 imported, 1 FORK, 2 a bundle refused whole (one line saying why; nothing written)."
        )
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The bundle file.") var file: String
        @Flag(help: "No progress bar.") var quiet = false

        func run() throws {
            let log = try ledger.open()
            let bar = ProgressBar("reading and checking", quiet: quiet)
            let result: Bundles.ImportResult
            do {
                result = try Bundles.importBundle(path: file, into: log, screen: Privacy.importScreen(ledger, file: file), progress: bar.update)
            } catch let found as ForkFound {
                // What agreed was imported: the projections catch up before the FORK line.
                catchUpAfterAppend(log)
                throw found.error
            }
            catchUpAfterAppend(log)
            if result.evidenceAdded > 0 {
                Output.note("amparo: note: stored \(result.evidenceAdded) fork evidence the bundle carried (`amparo peers`)")
            }
            if result.added == 0 {
                print("nothing added: all \(result.skipped) events of \(file) are already held (a no-op)")
            } else {
                print("added \(result.added) event\(result.added == 1 ? "" : "s"), skipped \(result.skipped) already held; \(result.growth)")
            }
            if !result.cosigners.isEmpty {
                print("checkpoint cosigned by \(result.cosigners.joined(separator: ", ")) (the trust policy's quorum is met)")
            }
            print(result.checkpoint.serialized, terminator: "")
        }
    }
}

struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "The origins this ledger received bundles from: node key, checkpoint held, leaves mirrored, and any fork.",
        discussion:
            "A fork is an origin that signed two histories: two of its checkpoints, neither extending the other, found by this node's imports or received as evidence (in a bundle, or `amparo evidence import`). The evidence is printed: both checkpoints verify with the origin's verifier key and, when their sizes differ, two different leaves at one index carry an inclusion proof in each (`amparo evidence export` writes it to a file anyone can check). With --checkpoint ORIGIN, prints only the signed checkpoint held of that origin (what a node restored from a backup asks its peers for: `amparo resume --checkpoint FILE`, docs/operations.md). Exit status: 0, 1 when a fork is recorded, 2 usage or I/O error (an origin not held, with --checkpoint)."
    )
    @OptionGroup var ledger: LedgerOptions

    @Option(help: ArgumentHelp("Print only the signed checkpoint held of this origin.", valueName: "ORIGIN"))
    var checkpoint: String?

    func run() throws {
        let peers = PeerStore(log: try ledger.open())
        if let checkpoint {
            guard let record = try peers.record(checkpoint) else {
                throw LedgerError(.notFound, "this ledger holds no checkpoint of \(checkpoint); `amparo peers` lists the origins it holds")
            }
            print(record.checkpointNote, terminator: "")
            return
        }
        let origins = try peers.origins()
        let forks = try peers.forks()
        if origins.isEmpty { print("no peers: this ledger has imported no bundle") }
        for (origin, record) in origins {
            print(
                "\(origin): node key \(record.nodeKey.reference); checkpoint held: \(record.checkpoint.size) events, root \(record.checkpoint.root.base64); leaves mirrored: \(record.mirrored)"
            )
        }
        for fork in forks {
            print("")
            let sizes = fork.evidence.checkpoints.compactMap { try? Checkpoint(text: SignedNote(parsing: $0).text).size }
            let how = fork.heldIndex == nil ? "received as evidence" : "found by an import here"
            let leaf = fork.evidence.index.map { "; the trees differ at leaf \($0) (an inclusion proof in each)" } ?? ""
            print(
                "FORK of \(fork.origin), recorded \(fork.recorded) (\(how)): two signed checkpoints of one origin, neither extending the other (\(sizes.map(String.init).joined(separator: " and ")) events)\(leaf)"
            )
            print(fork.heldIndex == nil ? "checkpoint:" : "held:")
            print(fork.held, terminator: "")
            print(fork.heldIndex == nil ? "checkpoint:" : "presented:")
            print(fork.presented, terminator: "")
        }
        if !forks.isEmpty { throw ExitCode(1) }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
