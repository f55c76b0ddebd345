/// The rule catalog of shared/docs/domain.md, in its order, one file per Article in this folder.
/// `INTEGRITY` and `SIGNATURE` are judged by the Ledger's verifier; the others by the fold.
package enum Rules {
    /// Every rule, in the catalog's order (the order of ``RuleID``).
    package static let catalog: [Rule] = [
        integrity, signature, authority, lifecycle, inForce, nationality, party, unrepresented, civilian, channel,
        focalPoint, network, secretariat, selection, presence, priorRequest, scope, costs, presentation,
    ]

    /// The rules the fold judges on each act, with their check.
    static let eachAct: [(rule: Rule, check: @Sendable (RuleContext) -> Sentence?)] = catalog.compactMap { rule in
        if case .eachAct(let check) = rule.judgement { return (rule, check) }
        return nil
    }

    /// The rules the fold judges on the whole history.
    static let wholeHistory: [(rule: Rule, check: @Sendable (World) -> [HistoryFinding])] = catalog.compactMap { rule in
        if case .wholeHistory(let check) = rule.judgement { return (rule, check) }
        return nil
    }

    static let byID: [RuleID: Rule] = Dictionary(uniqueKeysWithValues: catalog.map { ($0.id, $0) })

    /// The rule `id` (every id has one; a test checks it).
    package static func rule(_ id: RuleID) -> Rule { byID[id]! }

    /// The rule whose id is `text`, or nil.
    package static func rule(_ text: String) -> Rule? { RuleID(id: text).map(rule) }
}
