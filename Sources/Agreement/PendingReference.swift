import L10n
import Ledger

/// An act that names another State's act this node does not hold yet: the assisting State's
/// agreement on scope answering a formal request note the case does not hold, or a reimbursement
/// of a claim the case does not hold. Not a breach: each node holds what bundles have brought it,
/// and the named act may arrive later. Once it arrives the reference is settled, silently
/// (nothing is recorded: the next fold simply finds it).
///
/// JSON: `{"seq", "event", "case", "actor", "field", "names"}`.
package struct PendingReference: Hashable, Sendable {
    package let seq: UInt64?
    package let event: String
    package let caseID: String
    package let actor: String
    /// The payload field that names the act (`request_note`, `claim`).
    package let field: String
    /// What it names: a note reference or an event id.
    package let names: String

    package var json: JSONValue {
        .object([
            "seq": seq.map { .number(Double($0)) } ?? .null, "event": .string(event), "case": .string(caseID), "actor": .string(actor),
            "field": .string(field), "names": .string(names),
        ])
    }

    /// One sentence in the reader's language.
    package func sentence(_ t: Localizer) -> String {
        t(
            field == "request_note" ? "pending.request_note" : "pending.claim",
            ["case": caseID, "actor": t.name(actor), "names": names, "seq": seq.map(String.init) ?? "-"])
    }
}

extension Agreement {
    /// The pending references among `facts` (one case's, or several): an agreement on scope whose
    /// `request_note` no formal request of its case carries, and a reimbursement whose `claim` its
    /// case does not hold. Whatever their order in the log or in time: an act that arrives later
    /// settles the reference.
    package static func pendingReferences(_ facts: [Fact]) -> [PendingReference] {
        var notes: [String: Set<String>] = [:]
        var ids: [String: Set<String>] = [:]
        for f in facts {
            guard let c = f.caseID else { continue }
            ids[c, default: []].insert(f.id.description)
            if f.kind == .formalRequestSent, let note = f[.note] { notes[c, default: []].insert(note) }
        }
        var out: [PendingReference] = []
        for f in facts {
            guard let c = f.caseID else { continue }
            let reference: (String, String)?
            switch f.kind {
            case .scopeAgreed: reference = f[.requestNote].flatMap { notes[c]?.contains($0) == true ? nil : ("request_note", $0) }
            case .reimbursed: reference = f[.claim].flatMap { ids[c]?.contains($0.description) == true ? nil : ("claim", $0.description) }
            default: reference = nil
            }
            if let (field, names) = reference {
                out.append(PendingReference(seq: f.seq, event: f.id.description, caseID: c, actor: f.actor, field: field, names: names))
            }
        }
        return out
    }

    /// `breaches` without those a pending reference explains: a reimbursement of a claim the case
    /// does not hold is pending, not `LIFECYCLE`, until the claim arrives.
    static func withoutPending(_ breaches: [Breach], _ pending: [PendingReference]) -> [Breach] {
        guard !pending.isEmpty else { return breaches }
        let events = Set(pending.filter { $0.field == "claim" }.map(\.event))
        return breaches.filter { b in
            !(b.rule == RuleID.lifecycle.rawValue && b.sentence?.key == "msg.lifecycle.no_claim" && b.event.map(events.contains) == true)
        }
    }
}
