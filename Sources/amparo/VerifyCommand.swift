import Agreement
import ArgumentParser
import Bundles
import Foundation
import L10n
import Ledger
import Projections
import Reports
import Service

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the ledger was never altered: every entry, hash, signature and checkpoint.",
        discussion: """
            Re-reads every entry, recomputes hashes and the Merkle root, checks every stored \
            checkpoint and every signature against the key registry, then replays every event in the \
            order the acts happened and checks every rule of the Agreement (rule ids, Articles and \
            the force of their words, shall, should, may not or integrity: docs/rules.md). Each \
            breach reads "Article 6 (may not): …"; in JSON it is {rule, article, force, seq, event, \
            case, actor, message}. Text output groups breaches by case. With --checkpoint, also checks \
            that a checkpoint you kept is a prefix of the log. With --proof, checks only that proof \
            (from `amparo prove`), against this ledger's node key.
            Another origin's checkpoint or proof (the Secretariat's, checked on a ministry's node) is \
            checked with that origin's verifier key: --origin-key, else the key this node learned \
            from that origin's bundles; no ledger is needed with --origin-key. A checkpoint: its \
            signature (and, when a bundle brought one of the same size, the same root). An \
            inclusion proof: that the event given with --event is the entry at its index. A \
            consistency proof: from the checkpoint of its old size (--checkpoint, or one a bundle \
            brought) to its own. With a trust policy set (`amparo policy set`), another origin's \
            checkpoint or proof is accepted only from a log the policy lists whose checkpoint's \
            cosignatures meet its quorum (exit 2 otherwise); the output names the witnesses.
            Fork evidence this node holds (found by its imports, or received in a bundle or with \
            `amparo evidence import`) is a finding too: every origin that signed two histories is \
            named (JSON "forks"). Acts that name another State's act this node does not hold yet \
            are listed as pending references (JSON "pending"), not breaches; they settle when that \
            act arrives.
            Exit status: 0 clean, 1 breaches or a fork found, 2 usage or I/O error.
            """
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(help: "Output format: text or json.")
    var format: TextOrJSON = .text

    @Option(help: ArgumentHelp("A checkpoint you kept earlier (signed note).", valueName: "FILE"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("A proof printed by `amparo prove`.", valueName: "FILE"))
    var proof: String?

    @Option(
        name: .customLong("origin-key"),
        help: ArgumentHelp("The verifier key of the log that signed the checkpoint or proof (NAME+KEYID+BASE64, or a file holding it).", valueName: "VKEY"))
    var originKey: String?

    @Option(
        help: ArgumentHelp(
            "With another origin's inclusion proof: the event it proves (an id or sequence this node holds, or a file with its signed JSON).",
            valueName: "EVENT"))
    var event: String?

    @OptionGroup var language: LanguageOption
    @Flag(help: "No progress bar.") var quiet = false

    /// Only this case (its breaches for `verify`, which still checks the whole log; its events for `log`).
    @OptionGroup var selection: CaseSelection
    var caseID: String? { selection.id }

    func validate() throws {
        if checkpoint == nil && proof == nil, let flag = originKey != nil ? "--origin-key" : event != nil ? "--event" : nil {
            throw ValidationError("\(flag) goes with --checkpoint FILE or --proof FILE: it says how to check another origin's checkpoint or proof")
        }
    }

    func run() throws {
        let held = try checkpoint.map { String(decoding: try readInput($0), as: UTF8.self) }
        let proofText = try proof.map { String(decoding: try readInput($0), as: UTF8.self) }
        let input = OriginVerification.Input(checkpointNote: held, proofText: proofText, originKey: originKey, event: event)
        // Another origin's checkpoint or proof needs no ledger of its own; this one's does.
        let here = held != nil || proofText != nil ? (FileManager.default.fileExists(atPath: ledger.path) ? try ledger.open() : nil) : try ledger.open()
        if held != nil || proofText != nil, originKey != nil || here == nil || OriginVerification.origin(of: input) != here?.name {
            let (report, what) = try OriginVerification.verify(input, log: here)
            return try finish(report, what: what)
        }
        guard let log = here else { return }
        let report: VerificationReport
        var what: String?
        if let proofText {
            (report, what) = try ProofVerification.verify(log: log, proofText: proofText, held: held)
        } else {
            let bars = [ProgressBar("checking hashes and signatures", quiet: quiet), ProgressBar("judging the Agreement's rules", quiet: quiet)]
            var full = try Audit.verify(log, held: held, caseID: caseID) { phase, done, total in bars[phase].update(done, total) }
            // Every origin this node holds fork evidence of (found here or received): a finding.
            full.forks = try VerifyCommand.forks(of: log)
            report = full
            what = caseID.map {
                language.t("verify.case_only", ["events": language.t.count(Int(report.events), "count.event"), "n": String(report.events), "id": $0])
            }
        }
        try finish(report, what: what)
    }

    func finish(_ report: VerificationReport, what: String?) throws {
        switch format {
        case .json: Output.printJSON(report.json)
        case .text: print(VerifyCommand.text(report, what: what, language.t))
        }
        if !report.ok { throw ExitCode(1) }
    }

    /// The origins with fork evidence in `log`, each with the sizes of its two checkpoints.
    static func forks(of log: EventLog) throws -> [(origin: String, sizes: [UInt64])] {
        try PeerStore(log: log).forks().map { fork in
            (fork.origin, fork.evidence.checkpoints.compactMap { try? Checkpoint(text: SignedNote(parsing: $0).text).size }.sorted())
        }.sorted { ($0.origin, $0.sizes.first ?? 0) < ($1.origin, $1.sizes.first ?? 0) }
    }

    static func text(_ report: VerificationReport, what: String?, _ t: Localizer) -> String {
        let what = what ?? t.count(Int(report.events), "verify.events")
        var pending: [String] = []
        if !report.pending.isEmpty {
            pending.append(t("verify.pending"))
            for p in report.pending { pending.append("  " + p.sentence(t)) }
        }
        guard !report.ok else { return ([t("verify.clean", ["ledger": report.ledger, "what": what])] + pending).joined(separator: "\n") }
        var lines = [t("verify.checked", ["ledger": report.ledger, "what": what, "count": t.count(report.breaches.count, "replay.count")])]
        for fork in report.forks {
            lines.append(t("verify.fork", ["origin": fork.origin, "sizes": fork.sizes.map(String.init).joined(separator: t("verify.fork.and"))]))
        }
        // Grouped by case (network-level breaches first), each group in log order.
        let groups = Dictionary(grouping: report.breaches) { $0.caseID ?? "" }
        for key in groups.keys.sorted() {
            lines.append(key.isEmpty ? t("verify.network") : t("verify.case", ["id": key]))
            for b in groups[key]! {
                var head = b.rule
                if let seq = b.seq { head += " seq \(seq)" }
                if let a = b.actor { head += " actor \(a)" }
                lines.append("  \(head): \(t.breach(b))")
            }
        }
        return (lines + pending).joined(separator: "\n")
    }
}

/// Checks a proof from `amparo prove` against this ledger.
///
/// A proof vouches for bytes: the check recomputes the leaf and the roots from the events this
/// ledger holds (one snapshot), not from its stored tree, which a rewrite may have left in place.
enum ProofVerification {
    /// Checks the proof; returns the report and a phrase saying what the proof is about.
    static func verify(log: EventLog, proofText: String, held: String?) throws -> (VerificationReport, String) {
        let parsed = try ProofText.parse(proofText)
        var breaches: [Breach] = []
        func breach(_ seq: UInt64?, _ event: SignedEvent?, _ message: String) {
            breaches.append(
                Breach(
                    Rules.integrity, seq: seq, event: event?.id.description, caseID: event?.envelope.caseID,
                    actor: event?.envelope.actor, message: message))
        }
        // A checkpoint of this log that its node key did not sign is a finding, as `verify
        // --checkpoint` reports it (the node key was replaced, or the checkpoint forged): its size
        // and root are still checked against the log.
        let checkpoint = try LedgerVerifier.heldCheckpointChecked(parsed.checkpointNote, log: log, what: "the proof's checkpoint") {
            breach(nil, nil, $0)
        }
        let heldCheckpoint = try held.map { try LedgerVerifier.heldCheckpointChecked($0, log: log) { breach(nil, nil, $0) } }
        return try log.snapshot {
            let size = try log.size()
            guard checkpoint.size <= size else {
                breach(nil, nil, "the proof's checkpoint has \(checkpoint.size) events but this ledger holds only \(size): events were removed")
                return (
                    VerificationReport(ledger: log.name, events: size, breaches: breaches), "proof against the signed checkpoint of size \(checkpoint.size)"
                )
            }
            // The checkpoint's root must still be the root of the events as held now.
            let nowRoot = try log.recomputedRoot(size: checkpoint.size)
            if nowRoot != checkpoint.root {
                breach(
                    nil, nil,
                    "the events this ledger holds no longer give the root its node signed at size \(checkpoint.size): the log was altered after the proof was made"
                )
            }
            var what = ""
            if parsed.header == ProofText.inclusionHeader {
                let seq = parsed.number + 1
                guard let raw = try log.rawEntry(at: seq) else {
                    throw LedgerError(.badProof, "the proof is for sequence \(seq), which this ledger does not hold")
                }
                let event = try? SignedEvent(bytes: raw.bytes)
                if !Merkle.verifyInclusion(
                    leafHash: Merkle.leafHash(raw.bytes), index: parsed.number, size: checkpoint.size,
                    proof: parsed.hashes, root: checkpoint.root)
                {
                    breach(
                        seq, event,
                        "the inclusion proof does not show the event at sequence \(seq), as its bytes are now, in the checkpoint of size \(checkpoint.size)")
                }
                what = "inclusion proof of sequence \(seq) (\(event?.envelope.type ?? "event")) in the signed checkpoint of size \(checkpoint.size)"
            } else {
                let old = parsed.number
                guard old <= checkpoint.size else {
                    throw LedgerError(.badProof, "the proof starts at size \(old), past its checkpoint's \(checkpoint.size)")
                }
                let oldRoot: Hash32
                let recomputedOld = try log.recomputedRoot(size: old)
                if let heldCheckpoint {
                    guard heldCheckpoint.size == old else {
                        throw LedgerError(.badProof, "the held checkpoint has size \(heldCheckpoint.size) but the proof starts at \(old)")
                    }
                    oldRoot = heldCheckpoint.root
                    if recomputedOld != oldRoot {
                        breach(nil, nil, "the held checkpoint of size \(old) is not consistent with this log: its first \(old) events were altered")
                    }
                } else {
                    oldRoot = recomputedOld
                }
                if !Merkle.verifyConsistency(firstSize: old, firstRoot: oldRoot, secondSize: checkpoint.size, secondRoot: checkpoint.root, proof: parsed.hashes)
                {
                    breach(nil, nil, "the consistency proof does not show the log of \(old) events is a prefix of the checkpoint of size \(checkpoint.size)")
                }
                what = "consistency proof from size \(old) to the signed checkpoint of size \(checkpoint.size)"
            }
            return (VerificationReport(ledger: log.name, events: checkpoint.size, breaches: breaches), what)
        }
    }
}
