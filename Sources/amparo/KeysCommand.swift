import ArgumentParser
import Foundation
import Ledger
import Reports
import Service

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, show, register, revoke and list signing keys.", discussion: ExitStatus.group,
        subcommands: [New.self, Show.self, Register.self, Revoke.self, List.self]
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public verifier key of a private key file, as `keys new` printed it, or of this node.",
            discussion:
                "A PEM file holds no actor name: give --actor, or let the ledger say whom the key is registered to. Prints ACTOR+KEYID+BASE64. With --node, prints the verifier key of this ledger's node key, which signs its checkpoints and proofs: an auditor elsewhere checks them with `amparo verify --origin-key`."
                + " " + ExitStatus.reading)
        @OptionGroup var ledger: LedgerOptions
        @Option(help: ArgumentHelp("The private key (PEM).", valueName: "FILE"))
        var key: String?
        @Option(help: ArgumentHelp("The actor the key signs for (default: whom this ledger registered it to).", valueName: "CODE"))
        var actor: String?
        @Flag(help: "Print this ledger's node verifier key (its origin's key for checkpoints and proofs).")
        var node = false

        func validate() throws {
            if node == (key != nil) {
                throw ValidationError(node ? "give --node or --key FILE, not both" : "give --key FILE (a private key) or --node (this ledger's node key)")
            }
            if node && actor != nil { throw ValidationError("--actor goes with --key: the node key is named by its ledger") }
        }

        func run() throws {
            guard let key else {
                print(try ledger.open().nodeKey.description)
                return
            }
            var name = actor
            if name == nil {
                let probe = try SigningKey.load(path: key, name: "probe")
                let log: EventLog
                do {
                    log = try ledger.open()
                } catch let error as LedgerError where error.code == .notALedger {
                    // Outside a ledger nothing says whom the key signs for: the actor is what is missing.
                    throw ValidationError("no ledger at \(ledger.path) says whom the key in \(key) signs for: give --actor CODE")
                }
                name = try log.keyRegistry(verifySignatures: false).binding(forPublicKey: probe.verifierKey.publicKey)?.actor
            }
            guard let name else {
                throw ValidationError("the key in \(key) is not registered in this ledger: give --actor CODE")
            }
            print(try SigningKey.load(path: key, name: name).verifierKey.description)
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an Ed25519 key for an actor; print its public verifier key.",
            discussion:
                "The private key is written as PKCS#8 PEM (mode 0600; an existing file is refused unless --force, which loses the key it held); `openssl pkey` reads it."
                + " " + ExitStatus.making)
        @Option(help: ArgumentHelp("The actor code the key will sign for: MX, RCM-TS, IOM…", valueName: "CODE"))
        var actor: String
        @Option(help: ArgumentHelp("Where to write the private key (refused if it exists, unless --force).", valueName: "FILE"))
        var out: String
        @Flag(help: "Replace --out if it exists: the private key it held is lost.") var force = false

        func validate() throws {
            guard actor.range(of: "^[A-Z][A-Z0-9-]*$", options: .regularExpression) != nil else {
                throw ValidationError("--actor \"\(actor)\" is not an actor code (upper-case letters, digits, '-': MX, RCM-TS, IOM)")
            }
        }

        func run() throws {
            let key = try SigningKey(generatingFor: actor)
            do {
                try KeyFile.create(path: out, text: key.pem, replacing: force)
            } catch let error as LedgerError where error.code == .fileExists {
                throw FileIO.exists(out)
            }
            print(key.verifierKey.description)
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an actor's public key (signed by the Secretariat, RCM-TS).",
            discussion: "Appends key.registered. The key signs for the actor from --valid-from (default: now) until revoked." + " " + ExitStatus.recording)
        @OptionGroup var ledger: LedgerOptions
        @Option(help: ArgumentHelp("The actor the key signs for.", valueName: "CODE"))
        var actor: String
        @Option(help: ArgumentHelp("The actor's verifier key, as `amparo keys new` printed it.", valueName: "VKEY"))
        var publicKey: String
        @Option(help: ArgumentHelp("The Secretariat's private key (PEM).", valueName: "FILE"))
        var key: String
        @Option(help: ArgumentHelp("From when the key may sign (RFC 3339 or a date; default: now).", valueName: "TIME"))
        var validFrom: String?
        @Flag(help: "Take a date before 2000 or more than two years from today (refused otherwise, as most likely a typo).")
        var confirmFarDate = false

        func run() throws {
            let log = try ledger.open()
            let now = Timestamp.now()
            let vkey = try VerifierKey(parsing: publicKey)
            var payload: [String: JSONValue] = ["actor": .string(actor), "public_key": .string(vkey.description)]
            let from = try validFrom.map { try parseTime($0, option: "--valid-from") } ?? now
            try refuseFarDate(from, option: "--valid-from", today: now, confirmed: confirmFarDate)
            payload["valid_from"] = .string(from.description)
            let seq = try recordKeyEvent(log, type: KeyRegistry.registeredType, occurred: now, payload: payload, key: key)
            // The validity as the registry now holds it (a key registered again signs from the earlier date).
            let valid = try log.keyRegistry(verifySignatures: false).binding(forPublicKey: vkey.publicKey)?.validFrom ?? from
            print("registered \(vkey.reference) for \(actor) at sequence \(seq): it signs acts from \(valid)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an actor's key (signed by the Secretariat, RCM-TS).",
            discussion: "Appends key.revoked. Events the key signs that occurred at or after --at are SIGNATURE breaches." + " " + ExitStatus.recording)
        @OptionGroup var ledger: LedgerOptions
        @Option(help: ArgumentHelp("The actor the key signs for.", valueName: "CODE"))
        var actor: String
        @Option(help: ArgumentHelp("The verifier key to revoke.", valueName: "VKEY"))
        var publicKey: String
        @Option(help: ArgumentHelp("The Secretariat's private key (PEM).", valueName: "FILE"))
        var key: String
        @Option(help: ArgumentHelp("From when the key is revoked (default: now).", valueName: "TIME"))
        var at: String?
        @Flag(help: "Take a date before 2000 or more than two years from today (refused otherwise, as most likely a typo).")
        var confirmFarDate = false

        func run() throws {
            let log = try ledger.open()
            let now = Timestamp.now()
            let vkey = try VerifierKey(parsing: publicKey)
            let when = try at.map { try parseTime($0, option: "--at") } ?? now
            try refuseFarDate(when, option: "--at", today: now, confirmed: confirmFarDate)
            let payload: [String: JSONValue] = [
                "actor": .string(actor), "public_key": .string(vkey.description), "revoked_at": .string(when.description),
            ]
            let seq = try recordKeyEvent(log, type: KeyRegistry.revokedType, occurred: now, payload: payload, key: key)
            print("revoked \(vkey.reference) of \(actor) from \(when) at sequence \(seq)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered keys and the node key.", discussion: ExitStatus.reading)
        @OptionGroup var ledger: LedgerOptions
        @Option(help: "Output format: text or json.")
        var format: TextOrJSON = .text

        func run() throws {
            let log = try ledger.open()
            let registry = try log.keyRegistry()
            let bindings = registry.bindings.values.sorted { ($0.actor, $0.registeredAt ?? 0) < ($1.actor, $1.registeredAt ?? 0) }
            switch format {
            case .json:
                Output.printJSON(
                    .object([
                        "node_key": .string(log.nodeKey.description),
                        "keys": .array(
                            bindings.map { b in
                                .object([
                                    "actor": .string(b.actor), "public_key": .string(b.key.description),
                                    "valid_from": .string(b.validFrom == .distantPast ? "-" : b.validFrom.description),
                                    "revoked_at": b.revokedAt.map { .string($0.description) } ?? .null,
                                    "seq": b.registeredAt.map { .number(Double($0)) } ?? .null,
                                ])
                            }),
                    ]))
            case .text:
                var rows = [["ACTOR", "KEY", "VALID FROM", "REVOKED", "SEQ"]]
                for b in bindings {
                    rows.append([
                        b.actor, b.key.reference, b.validFrom == .distantPast ? "(trust anchor)" : b.validFrom.description,
                        b.revokedAt?.description ?? "-", b.registeredAt.map(String.init) ?? "-",
                    ])
                }
                print(Render.text(rows, numbers: false), terminator: "")
                print("node key (signs checkpoints): \(log.nodeKey)")
            }
        }
    }
}

/// `keys register` and `keys revoke`: one key event through the write service, signed with the
/// key authority's key in `key`. Returns its sequence number.
func recordKeyEvent(_ log: EventLog, type: String, occurred: Timestamp, payload: [String: JSONValue], key: String) throws -> UInt64 {
    let draft = Draft(type: type, occurred: occurred, payload: payload)
    let outcome = try Output.refusingBreaches {
        try WriteService(log: log).record(
            [.init(number: 1, draft: draft)], key: try SigningKey.load(path: key, name: "signer"),
            keyFile: key, source: nil, recordViolations: false)
    }
    Output.reportWrite(outcome)
    return outcome.events[0].outcome.seq
}
