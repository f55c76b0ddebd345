import Agreement
import Ledger

/// Sentences the command line prints about the ledger's operation (warnings and notes). One place,
/// so the Spanish catalog (issue 13) has one file to mirror.
enum Strings {
    /// An error's message and, when the layer below names a remedy, how to do it with `amparo`.
    static func withAdvice(_ error: LedgerError) -> String {
        guard let advice = error.advice else { return error.message }
        let how: String
        switch advice {
        case .verifyAndRestore:
            how = "run `amparo verify` and restore from a bundle or backup"
        case .createLedger(let path):
            how = "create one with `amparo init --ledger \(path) --name NAME --secretariat-key FILE`"
        case .registerKey:
            how = "the Secretariat registers it with `amparo keys register --actor CODE --public-key VKEY --key SECRETARIAT.pem` (or import its bundle)"
        case .newKey(let actor):
            how = "create the key with `amparo keys new --actor \(actor)`"
        case .registerEarlier(let actor, let publicKey):
            how =
                "for acts before that, the Secretariat registers the same key again from an earlier date: `amparo keys register --actor \(actor) --public-key \(publicKey) --valid-from DATE --key SECRETARIAT.pem`"
        }
        return "\(error.message); \(how)"
    }

    static func rescheduled(_ id: String, seq: UInt64) -> String {
        "amparo: note: meeting \(id) was already scheduled (sequence \(seq)); this records its new schedule"
    }

    static func masterKeyCreated(_ path: String) -> String {
        "amparo: note: created the vault's master key \(path) (mode 0600); keep it outside the ledger's backups, and a copy in a safe place: without it the vault cannot be read"
    }

    static func vaultStored(_ caseID: String) -> String {
        "stored the personal data of \(caseID) in the vault (encrypted; never in the log, a bundle or a report)"
    }

    static func recordedHolding(_ found: [(seq: UInt64, type: String, field: String)], caseID: String) -> String {
        var lines = ["already recorded in \(caseID), holding words of this entry (erase each on every node that holds it):"]
        for f in found {
            lines.append(
                "  seq \(f.seq) \(f.type) \(f.field): amparo case redact --case \(caseID) --event \(f.seq) --fields \(f.field) --request REF --key FILE")
        }
        return lines.joined(separator: "\n")
    }

    static func redacted(fields: [String], event: String, seq: UInt64?) -> String {
        "erased the words of \(fields.joined(separator: ", ")) of event \(seq.map { "seq \($0)" } ?? event) on this node; every node that receives case.redacted (bundle or sync) erases them too; bundles handed out before cannot be recalled"
    }

    static func erased(_ caseID: String, held: Bool, seq: UInt64) -> String {
        held
            ? "\(seq)  erased the personal data of \(caseID) and its key, and the words of the case's free text recorded until now; recorded case.personal_data_erased"
            : "\(seq)  the vault held no personal data of \(caseID); erased the words of the case's free text recorded until now; recorded case.personal_data_erased"
    }

    static func omission(_ b: Breach) -> String {
        "amparo: note: recorded; \(b.rule) until the missing act is recorded: \(b.message) (`amparo verify` reports it meanwhile)"
    }

    static func pending(_ p: PendingReference) -> String {
        let what = p.field == "request_note" ? "formal request note \"\(p.names)\"" : "reimbursement claim \(p.names)"
        return
            "amparo: note: recorded; pending: case \(p.caseID) names \(what), another State's act this node does not hold yet; it settles when that act arrives (`amparo bundle import`), and `amparo verify` lists it meanwhile, not as a breach"
    }

    /// `amparo case` alone: which subcommand, and where they are listed.
    static func subcommandMissing(_ path: String) -> String {
        let group = (["amparo"] + path.split(separator: " ").map(String.init)).joined(separator: " ")
        return "give a subcommand: `\(group) SUBCOMMAND`, listed above (`\(group) SUBCOMMAND --help` explains each)"
    }

    static func datedNow(_ when: Timestamp) -> String {
        "amparo: note: no --occurred, so the act is dated now, \(when); give --occurred DATE for an act of another day"
    }

    static func claimRecorded(id: String, seq: UInt64) -> String {
        "claim id \(id): settle it with `amparo case reimburse --claim \(seq)` (or the id)"
    }

    static func noEventAt(_ seq: UInt64, flag: String, size: UInt64) -> String {
        "\(flag) \(seq): this ledger holds no event at sequence \(seq) (it holds 1 to \(size)); `amparo log` lists them"
    }

    static func projectionsBehind(applied: UInt64, size: UInt64, reason: String) -> String {
        "amparo: note: the projections are at sequence \(applied) of \(size) and could not catch up (\(reason)); this output is as of sequence \(applied)"
    }

    static func catchUpFailed(_ reason: String) -> String {
        "amparo: warning: the events are recorded, but the projections could not catch up (\(reason)); the next report catches up"
    }
}

extension Strings {
    static func backedUp(_ out: String, size: UInt64, root: String, files: Int, bytes: UInt64) -> String {
        "backed up to \(out): tree size \(size), root \(root); \(files) files, \(bytes) bytes, each in MANIFEST.json with its SHA-256"
    }

    static func keyCopied(_ path: String) -> String { "private key written: \(path) (mode 0600)" }

    static func restored(_ ledger: String, events: UInt64, size: UInt64, root: String, created: String) -> String {
        "restored \(ledger) from the backup of \(created): tree size \(size), root \(root); manifest and verification clean (\(events) entries)"
    }

    static func signingHeldAfterRestore(_ ledger: String, size: UInt64) -> String {
        "signing held: \(ledger) appends nothing until `amparo resume --ledger \(ledger) --checkpoint FILE` shows that no checkpoint larger than \(size) exists (docs/operations.md)"
    }

    static func resumed(_ ledger: String, size: UInt64, largest: UInt64?) -> String {
        if let largest {
            return "resumed: \(ledger) signs again; its tree of \(size) entries extends every checkpoint shown (the largest, \(largest))"
        }
        return "resumed: \(ledger) signs again on your word that nothing was published after the backup (tree size \(size))"
    }

    static func readsPrivateCopy(_ ledger: String) -> String {
        "note: this user may not write \(ledger)/lock.mdb, so amparo reads a private copy of the ledger made just now (in $TMPDIR, removed when it exits); acts appended after this moment are not seen, and nothing in \(ledger) is written"
    }

    static func serving(host: String, port: Int, ledger: String, https: Bool) -> String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "amparo: serving \(ledger) read-only at \(https ? "https" : "http")://\(shown):\(port)/ (Ctrl-C stops it)"
    }

    /// Why the console could not listen, in a user's words where the system's are known.
    static func cannotListen(_ listen: String, _ error: String) -> String {
        if error.contains("Address already in use") {
            return "cannot listen on \(listen): the address is already in use; stop the other server or give another --listen HOST:PORT"
        }
        if error.contains("Cannot assign requested address") {
            return "cannot listen on \(listen): it is not an address of this machine; give one of its addresses with --listen"
        }
        if error.contains("Permission denied") {
            return "cannot listen on \(listen): permission denied (ports below 1024 need privileges); give a port from 1024 with --listen"
        }
        return "the console stopped: \(error)"
    }
}

/// What each command's help says of its exit status (every help states it; `DocsTests`).
enum ExitStatus {
    static let reading = "Exit status: 0 success, 2 usage, input or I/O error."
    static let making = "Exit status: 0 made, 2 usage, input or I/O error (nothing is left half made)."
    static let storing = "Exit status: 0 stored, 2 usage, input or I/O error (nothing is written)."
    static let recording = "Exit status: 0 recorded, 2 usage, input or I/O error (nothing is written)."
    static let refusable =
        "Exit status: 0 recorded, 1 refused by the Agreement's rules, 2 usage, input or I/O error; nothing is written on 1 or 2."
    static let writing =
        "Exit status: 0 recorded, 1 refused by the Agreement's rules (nothing is written) unless --record-violations, 2 usage, input or I/O error (nothing is written)."
    static let rebuilding = "Exit status: 0 rebuilt, 2 usage or I/O error (the projections in use are kept)."
    static let group = "Exit status: 2 without a subcommand; each subcommand's help states its own."
}
