import Agreement
import Bundles
import Foundation
import HTTPTypes
import Hummingbird
import L10n
import Ledger
import Projections
import Reports
import Service

extension Routes {
    // MARK: A case: the auditor's replay

    /// A case's replay as its template reads it.
    struct CaseView {
        let id, title, statusLabel, status, requestingLabel, requesting, assistingLabel, assisting: String
        let locationLabel: String
        let location: String?
        let categoryLabel, category, verdictClass, verdict, rulesChecked: String
        let rules: [Rule]
        let steps: [Step]

        struct Rule {
            let id, sentence: String
        }
        struct Step {
            let breach: Bool
            let position, date, typeName, type, by: String
            let corrected: String?
            let words: [Words]
            let hasWords: Bool
            let after: String
            let proofLink: ProofLink?
            let notCheckpointed, pending: String?
            let findings: [Pages.Finding]
            let hasFindings: Bool
        }
        /// A field of free text as this node holds it, or "erased".
        struct Words {
            let field, text: String
            let erased: Bool
        }
        struct ProofLink {
            let seq: UInt64
            let label: String
        }
    }

    func casePage(_ request: Request, _ t: Localizer, _ id: String) throws -> String {
        guard let steps = try Audit.replay(console.log, caseID: id), let last = steps.last else {
            throw HTTPError(.notFound, message: t("error.no_case", ["id": id]))
        }
        let covered = try console.log.latestCheckpoint()?.0 ?? 0
        let s = last.stateAfter
        let total = steps.reduce(0) { $0 + $1.breaches.count }
        let view = CaseView(
            id: id, title: t("case.title", ["id": id]), statusLabel: t("cases.status"), status: Pages.status(t, s.status.rawValue),
            requestingLabel: t("cases.requesting"), requesting: t.label(s.requesting), assistingLabel: t("cases.assisting"),
            assisting: Pages.stateName(t, s.assisting), locationLabel: t("cases.location"),
            location: s.locationCountry.map { [s.locationCity, t.label($0)].compactMap { $0 }.joined(separator: ", ") },
            categoryLabel: t("cases.category"), category: Pages.category(t, s.category), verdictClass: total == 0 ? "ok" : "bad",
            verdict: total == 0 ? t("case.no_findings") : t.count(total, "case.findings"),
            rulesChecked: t("case.rules_checked", ["rules": t.count(last.checked.count, "count.rule")]),
            rules: last.checked.map { CaseView.Rule(id: $0, sentence: t("rule." + $0)) },
            steps: steps.map { step in
                let f = step.fact
                // Its free text as this node holds it, or "erased".
                let words = Words.commitments(in: f.payload).map { path, _ in
                    let text = step.words?.objectValue?[path]?.stringValue
                    return CaseView.Words(field: t.field(path), text: text ?? t("words.erased"), erased: text == nil)
                }
                return CaseView.Step(
                    breach: !step.breaches.isEmpty, position: f.seq.map { "#\($0)" } ?? "–", date: f.occurred.date, typeName: Pages.eventType(t, f.type),
                    type: f.type, by: t("case.by", ["actor": t.label(f.actor), "signer": step.signer]),
                    corrected: f.original != nil ? t("case.was_corrected") : nil, words: words, hasWords: !words.isEmpty,
                    after: t("case.after", ["status": Pages.status(t, step.stateAfter.status.rawValue)]),
                    proofLink: f.seq.flatMap { $0 <= covered ? CaseView.ProofLink(seq: $0, label: t("case.proof")) : nil },
                    notCheckpointed: f.seq.flatMap { $0 > covered ? t("case.not_checkpointed") : nil },
                    pending: step.pending.map { t("replay.pending") + ": " + $0.sentence(t) },
                    findings: step.breaches.map { Pages.Finding(t, $0, withCase: false) }, hasFindings: !step.breaches.isEmpty)
            })
        return Pages.page(request, t, title: t("case.title", ["id": id]), template: "case", view: view)
    }

    func caseJSON(_ t: Localizer, _ id: String) throws -> JSONValue {
        guard let steps = try Audit.replay(console.log, caseID: id) else { throw HTTPError(.notFound, message: t("error.no_case", ["id": id])) }
        let summary = try ProjectionStore(log: console.log).caseSummary(id)
        return .object([
            // The summary's free text as this node holds it, null where erased.
            "case": try summary.map { try console.log.resolvingWords($0.json) } ?? .null,
            "replay": .array(
                steps.map { step in
                    var o = step.json.objectValue!
                    o["proof"] = step.fact.seq.map { .string("/api/proof/\($0)") } ?? .null
                    return .object(o)
                }),
        ])
    }

    // MARK: Proof of inclusion

    struct Proof {
        let seq: UInt64
        let size: UInt64
        let leaf: Hash32
        let path: [Hash32]
        let root: Hash32
        let checkpoint: String
        let verified: Bool
        var json: JSONValue {
            .object([
                "seq": .number(Double(seq)), "index": .number(Double(seq - 1)), "tree_size": .number(Double(size)), "leaf_hash": .string(leaf.base64),
                "proof": .array(path.map { .string($0.base64) }), "root": .string(root.base64), "checkpoint": .string(checkpoint),
                "verified": .bool(verified),
            ])
        }
    }

    /// The inclusion proof of `seq` in the tree of the latest signed checkpoint, checked here
    /// against that checkpoint's root (the auditor checks it again with `amparo prove` or tlog).
    func proof(_ t: Localizer, _ seq: UInt64) throws -> Proof {
        guard let (size, note) = try console.log.latestCheckpoint() else { throw HTTPError(.notFound, message: t("dashboard.no_checkpoint")) }
        guard seq <= size else {
            throw HTTPError(.notFound, message: t("error.not_in_checkpoint", ["seq": String(seq), "events": t.count(size, "count.event")]))
        }
        guard let raw = try console.log.rawEntry(at: seq) else { throw HTTPError(.notFound, message: t("error.not_found")) }
        let checkpoint = try Checkpoint(text: note.text)
        let leaf = Merkle.leafHash(raw.bytes)
        let path = try console.log.inclusionProof(seq: seq, size: size)
        let ok = Merkle.verifyInclusion(leafHash: leaf, index: seq - 1, size: size, proof: path, root: checkpoint.root)
        return Proof(seq: seq, size: size, leaf: leaf, path: path, root: checkpoint.root, checkpoint: note.serialized, verified: ok)
    }

    /// A proof of inclusion as its template reads it.
    struct ProofView {
        let title, verdictClass, verdict, leafLabel, leaf, pathLabel: String
        let path: [String]
        let checkpointLabel, checkpoint, how: String
        let seq, size: UInt64
    }

    func proofPage(_ request: Request, _ t: Localizer, _ seq: UInt64) throws -> String {
        let p = try proof(t, seq)
        let view = ProofView(
            title: t("proof.title", ["seq": String(seq)]), verdictClass: p.verified ? "ok" : "bad",
            verdict: t(p.verified ? "proof.ok" : "proof.bad", ["seq": String(seq), "events": t.count(Int(p.size), "count.event")]), leafLabel: t("proof.leaf"),
            leaf: p.leaf.base64, pathLabel: t("proof.path", ["hashes": t.count(p.path.count, "count.hash")]), path: p.path.map(\.base64),
            checkpointLabel: t("dashboard.checkpoint"), checkpoint: p.checkpoint, how: t("proof.how"), seq: seq, size: p.size)
        return Pages.page(request, t, title: t("proof.title", ["seq": String(seq)]), template: "proof", view: view)
    }
}

// The case page's numerous values list their fields themselves (``TemplateFields``): no
// reflection per step. Every field `case.mustache` and `finding.mustache` read is listed.
extension Routes.CaseView.Step: TemplateFields {
    var templateFields: [String: Any] {
        [
            "breach": breach, "position": position, "date": date, "typeName": typeName, "type": type, "by": by,
            "corrected": Templates.optional(corrected), "words": Templates.tree(words), "hasWords": hasWords, "after": after,
            "proofLink": Templates.optional(proofLink), "notCheckpointed": Templates.optional(notCheckpointed),
            "pending": Templates.optional(pending), "findings": Templates.tree(findings), "hasFindings": hasFindings,
        ]
    }
}
extension Routes.CaseView.Rule: TemplateFields {
    var templateFields: [String: Any] { ["id": id, "sentence": sentence] }
}
extension Routes.CaseView.Words: TemplateFields {
    var templateFields: [String: Any] { ["field": field, "text": text, "erased": erased] }
}
extension Routes.CaseView.ProofLink: TemplateFields {
    var templateFields: [String: Any] { ["seq": seq, "label": label] }
}
extension Pages.Finding: TemplateFields {
    var templateFields: [String: Any] {
        [
            "rule": rule, "findingCase": Templates.optional(findingCase), "findingSeq": Templates.optional(findingSeq), "detail": detail,
            "inEnglish": Templates.optional(inEnglish),
        ]
    }
}
