import Ledger

/// The corrections a history holds, as the fold applies them.
///
/// Nothing is edited in place: a `case.corrected` event names an earlier event of its case, the
/// payload fields it corrects and, optionally, the corrected `occurred` (when the act really
/// happened). The fold judges and projects the corrected event as corrected: with the new field
/// values, at its corrected place in act order. The original stays in the log, signed as it was;
/// ``Fact/original`` keeps what it said, so `replay` can show both.
///
/// A correction applies only when it is well formed, its author wrote the event it corrects (the
/// `AUTHORITY` rule reports the others), it belongs to the same case, it does not correct a
/// correction, and its fields are lawful fields of the corrected event's type
/// (``Catalog/correctionProblem(of:fields:)``). Several corrections of one event apply in log
/// order (drafts last), field by field: a later value wins.
package struct Corrections: Sendable {
    struct Entry: Sendable {
        let seq: UInt64?
        let actor: String
        let caseID: String?
        let fields: [String: JSONValue]
        let by: EventID
    }

    var byTarget: [EventID: [Entry]] = [:]

    package init() {}

    /// The corrections among `facts`.
    package init(_ facts: some Sequence<Fact>) {
        for fact in facts { note(fact) }
    }

    /// The events the corrections name (whether or not each applies).
    package var targets: [EventID] { Array(byTarget.keys) }

    /// True when the history holds no correction.
    package var isEmpty: Bool { byTarget.isEmpty }

    /// Takes in one fact (any order); only well-formed corrections are kept.
    package mutating func note(_ f: Fact) {
        guard f.kind == .corrected, f.isWellFormed, let target = f[.event],
            let fields = f[.correctedFields]
        else { return }
        var entries = byTarget[target, default: []]
        entries.append(Entry(seq: f.seq, actor: f.actor, caseID: f.caseID, fields: fields, by: f.id))
        entries.sort { ($0.seq ?? .max) < ($1.seq ?? .max) }
        byTarget[target] = entries
    }

    /// `f` as its corrections make it (itself when none applies).
    package func apply(_ f: Fact) -> Fact {
        guard let entries = byTarget[f.id], let kind = f.kind, kind != .corrected else { return f }
        var out = f
        for e in entries where e.actor == f.actor && e.caseID == f.caseID && Catalog.correctionProblem(of: kind, fields: e.fields) == nil {
            for (name, value) in e.fields {
                if name == Catalog.correctedOccurred {
                    if let time = value.stringValue.flatMap(Timestamp.init(parsing:)) { out.occurred = time }
                } else {
                    out.payload[name] = value
                }
            }
            out.correctedBy.append(e.by)
        }
        guard !out.correctedBy.isEmpty, out.isWellFormed else { return f }
        out.original = (f.occurred, f.payload)
        return out
    }

    /// Every fact of `facts` as corrected (the same array when the history holds no correction).
    package static func applied(to facts: [Fact]) -> [Fact] {
        let corrections = Corrections(facts)
        return corrections.isEmpty ? facts : facts.map(corrections.apply)
    }
}
