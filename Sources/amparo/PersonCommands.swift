import Agreement
import ArgumentParser
import Bundles
import Foundation
import Ledger
import Service

/// The vault on the command line: where its master key is, and the screen's terms for a case.
enum Privacy {
    /// The vault of the ledger, with `--master-key`, else `$AMPARO_MASTER_KEY`, else `<ledger>.master-key`.
    static func vault(_ ledger: LedgerOptions, masterKey: String? = nil) throws -> Vault {
        try Vault(ledgerPath: ledger.path, masterKeyPath: masterKey ?? Vault.defaultMasterKeyPath(ledgerPath: ledger.path))
    }

    /// The screen's terms for a case: the words of its vault entry, when the vault holds one and
    /// its master key is readable (without the key, the patterns alone screen the text).
    static func screenTerms(_ ledger: LedgerOptions) -> (String) throws -> [String] {
        guard let vault = try? vault(ledger) else { return { _ in [] } }
        // Each case's entry is opened once per command, however many of its events are screened.
        final class Cache { var terms: [String: [String]] = [:] }
        let cache = Cache()
        return { caseID in
            if let known = cache.terms[caseID] { return known }
            var terms: [String] = []
            if vault.holds(caseID), vault.hasMasterKey, let bytes = try vault.entry(caseID) {
                terms = PersonalDataScreen.terms(fromVaultEntry: try JSONParser.parse(bytes))
            }
            cache.terms[caseID] = terms
            return terms
        }
    }

    /// The case's recorded free-text values whose words (as this node holds them) hold one of
    /// `terms`: (sequence, type, field), in log order.
    static func recordedHolding(_ terms: [String], log: EventLog, caseID: String) throws -> [(seq: UInt64, type: String, field: String)] {
        let events = try log.events(inCase: caseID)
        let held = try log.words(ofPayloads: events.map(\.event.envelope.payload))
        var found: [(UInt64, String, String)] = []
        for stored in events {
            for (field, commitment) in Words.commitments(in: stored.event.envelope.payload) {
                guard let text = held[commitment] else { continue }
                if PersonalDataScreen.findings(in: text, field: field, terms: terms).contains(where: \.isVaultWord) {
                    found.append((stored.seq, stored.event.envelope.type, field))
                }
            }
        }
        return found
    }

    /// The import screen: an event whose free text holds personal data refuses the bundle whole.
    static func importScreen(_ ledger: LedgerOptions, file: String) -> ImportScreen {
        let terms = screenTerms(ledger)
        return { item in
            switch item {
            case .event(let event):
                let e = event.envelope
                guard let caseID = e.caseID, let kind = EventType(name: e.type) else { return }
                if let field = Catalog.clearText(type: e.type, payload: e.payload) {
                    throw LedgerError(
                        .badDraft,
                        "\(file): event \(event.id) (\(e.type) of case \(caseID)): payload field \"\(field)\" holds free text in the clear, where a signed event holds only its commitment (docs/privacy.md); the bundle was refused whole, nothing was written; ask its sender to record the act with an amparo of ledger format 2"
                    )
                }
                if let first = PersonalDataScreen.findings(type: kind, payload: e.payload, terms: try terms(caseID)).first {
                    throw LedgerError(
                        .badDraft,
                        "\(file): event \(event.id) (\(e.type) of case \(caseID)): payload field \"\(first.field)\" holds \(first.kind); personal data never enters this ledger: the bundle was refused whole, nothing was written; ask its sender to correct the act"
                    )
                }
            case .words(let part, let e):
                guard let caseID = e.caseID else { return }
                if let first = PersonalDataScreen.findings(in: part.text, field: part.field, terms: try terms(caseID)).first {
                    throw LedgerError(
                        .badDraft,
                        "\(file): event \(part.event) (\(e.type) of case \(caseID)): the words of field \"\(part.field)\" hold \(first.kind); personal data never enters this ledger: the bundle was refused whole, nothing was written; ask its sender to erase them (`amparo case redact`)"
                    )
                }
            }
        }
    }
}

struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Keep a case's personal data in the vault beside the log, show it, erase it.",
        discussion: """
            The vault lives on the requesting State's node only, in DIR/vault: one file per case, \
            encrypted with its own key, which is sealed with the node's master key (--master-key, else \
            $AMPARO_MASTER_KEY, else DIR.master-key beside the ledger directory; made with mode 0600 by \
            the first `person set`; never inside the ledger directory). Nothing of it enters the log, a \
            bundle or a report. Each command takes --key, a key registered to the case's requesting \
            State: another State's node, or the Secretariat's, cannot use it. docs/privacy.md.
            """ + " " + ExitStatus.group,
        subcommands: [Set.self, Show.self, Erase.self]
    )

    /// The options every person command shares.
    struct Common: ParsableArguments {
        @OptionGroup var ledger: LedgerOptions
        @Argument(help: "The case id, e.g. MX-2015-0001.") var caseID: String
        @Option(help: ArgumentHelp("A private key registered to the case's requesting State (PEM).", valueName: "FILE")) var key: String
        @Option(name: .customLong("master-key"), help: ArgumentHelp("The vault's master key.", valueName: "FILE")) var masterKey: String?

        /// Opens the ledger and checks the case is filed here and `--key` acts for its requesting State.
        func authorised() throws -> (EventLog, Vault) {
            let log = try ledger.open()
            guard let requesting = CaseID(caseID)?.state else { throw ValidationError("\(caseID) is not a case id such as MX-2015-0001") }
            guard try !log.seqs(inCase: caseID).isEmpty else {
                throw LedgerError(.notFound, "no case \(caseID) in this ledger (`amparo cases` lists them); the vault keeps personal data of cases filed here")
            }
            let probe = try SigningKey.load(path: key, name: "probe")
            let actor = try log.keyRegistry(verifySignatures: false).binding(forPublicKey: probe.verifierKey.publicKey)?.actor
            guard actor == requesting else {
                throw LedgerError(
                    .badKey,
                    "the key in \(key) is \(actor.map { "registered to \($0)" } ?? "not registered in this ledger"); the personal data of \(caseID) is kept by \(Codes.name(requesting)), its requesting State, with a key registered to it"
                )
            }
            return (log, try Privacy.vault(ledger, masterKey: masterKey))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a case's personal data (a JSON object: names, birth date, documents, contacts, notes), replacing any earlier entry.",
            discussion:
                "Example: {\"names\": [\"Ana Pérez García\"], \"birth_date\": \"1990-03-03\", \"documents\": [{\"type\": \"passport\", \"number\": \"G1234567\"}], \"contacts\": [\"+52 55 1234 5678\"], \"notes\": \"…\"}. Its words are then screened out of the case's free text. At most 64 KiB."
                + " " + ExitStatus.storing)
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("The JSON file.", valueName: "FILE")) var from: String

        func run() throws {
            let (log, vault) = try common.authorised()
            let bytes = try readInput(from)
            guard bytes.count <= Vault.maximumEntry else {
                throw LedgerError(.badDraft, "\(from) is \(bytes.count) bytes; the vault's bound is \(FileIO.bytesText(Vault.maximumEntry)) per case")
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                throw LedgerError(.badDraft, "\(from) is not JSON: \(error)")
            }
            guard value.objectValue != nil else { throw LedgerError(.badDraft, "\(from): the personal data is one JSON object, not \(value.kindName)") }
            let created = try vault.store(CanonicalJSON.encode(value), caseID: common.caseID)
            if created { Output.note(Strings.masterKeyCreated(vault.masterKeyPath)) }
            print(Strings.vaultStored(common.caseID))
            // The screen keeps these words out of what is recorded from now on; what was recorded
            // before is listed, with the command that erases it.
            let found = try Privacy.recordedHolding(PersonalDataScreen.terms(fromVaultEntry: value), log: log, caseID: common.caseID)
            if !found.isEmpty { print(Strings.recordedHolding(found, caseID: common.caseID)) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a case's personal data from the vault (needs the master key).", discussion: ExitStatus.reading)
        @OptionGroup var common: Common

        func run() throws {
            let (_, vault) = try common.authorised()
            guard let bytes = try vault.entry(common.caseID) else {
                throw LedgerError(.notFound, "the vault holds no personal data of \(common.caseID) (`amparo person set` stores it)")
            }
            print(String(decoding: bytes, as: UTF8.self))
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Destroy a case's personal data and its key, and record case.personal_data_erased (GCM 14(e)).",
            discussion:
                "Once the erasure passes every check of the write path, the vault file is overwritten with random bytes and removed, and the erasure is recorded, signed with --key, in the same step; a refused erasure destroys nothing. The log, its hashes, checkpoints, projections and reports are unchanged in meaning. Copies already made (backups of the ledger directory) are docs/privacy.md's limits."
                + " " + ExitStatus.refusable)
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("The reference of the erasure request.", valueName: "REF")) var request: String
        @Option(help: ArgumentHelp("When the erasure happened (default: now).", valueName: "TIME")) var occurred: String?

        func run() throws {
            let (log, vault) = try common.authorised()
            let when = try occurred.map { try parseTime($0, option: "--occurred") } ?? .now()
            let draft = Draft(type: EventType.personalDataErased.name, caseID: common.caseID, occurred: when, payload: ["request": .string(request)])
            // The entry is destroyed only once the erasure passed every check, just before it is
            // committed: a refused erasure destroys nothing.
            var held = false
            let outcome = try Output.refusingBreaches {
                try WriteService(log: log).record(
                    [.init(number: 1, draft: draft)], key: try SigningKey.load(path: common.key, name: "signer"), keyFile: common.key, source: nil,
                    recordViolations: false,
                    // The transaction runs again if the map must grow: an entry erased by its first run stays erased.
                    beforeCommit: { held = try vault.erase(common.caseID) || held })
            }
            Output.reportWrite(outcome)
            if let recorded = outcome.events.first { print(Strings.erased(common.caseID, held: held, seq: recorded.outcome.seq)) }
        }
    }
}
