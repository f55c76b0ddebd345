import ArgumentParser
import Bundles
import Foundation
import Ledger

struct WitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "This node as a C2SP witness of the other nodes' logs: its key, and what it cosigned.",
        discussion: """
            A witness cosigns a log's checkpoint only when it is consistent with the latest one it \
            cosigned for that log (c2sp.org/tlog-witness, tlog-cosignature), so that no node can show \
            two histories unseen. `amparo serve --witness` answers POST /add-checkpoint for the logs \
            this node knows from their bundles. docs/federation.md.
            """ + " " + ExitStatus.group,
        subcommands: [Key.self, List.self]
    )

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print this node's witness verifier key (type 0x04), creating the key on first use.",
            discussion: """
                The key is DIR/witness.key (PKCS#8 PEM, mode 0600), named after the ledger \
                (<name>/witness); it is never the node key. Give the printed key to the nodes whose \
                policies name this witness. Exit status: 0, or 2 on an I/O error.
                """)
        @OptionGroup var ledger: LedgerOptions

        func run() throws {
            let log = try ledger.open()
            let (cosigner, created) = try Witness.cosigner(for: log, create: !log.isReadOnly)
            if created { Output.note("amparo: note: created \(Witness.keyPath(log)) (mode 0600): this node's witness key") }
            print(cosigner.verifierKey)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The logs this node witnessed: the latest checkpoint it cosigned for each.",
            discussion: "Exit status: 0, or 2 on an I/O error.")
        @OptionGroup var ledger: LedgerOptions

        func run() throws {
            let log = try ledger.open()
            let peers = try PeerStore(log: log).origins()
            let (cosigner, _) = try Witness.cosigner(for: log, create: false)
            let witness = Witness(log: log, cosigner: cosigner)
            var any = false
            for (origin, _) in peers {
                guard let cp = try witness.latest(origin) else { continue }
                any = true
                let conflicts = try witness.conflicts(origin)
                let kept = conflicts == 0 ? "" : "; \(conflicts) contradicting checkpoint\(conflicts == 1 ? "" : "s") kept"
                print("\(origin): cosigned \(cp.size) events, root \(cp.root.base64)\(kept)")
            }
            if !any { print("no checkpoint cosigned yet (\(peers.count) known log\(peers.count == 1 ? "" : "s") may submit theirs)") }
        }
    }
}
