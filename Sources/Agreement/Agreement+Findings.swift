import Ledger

/// A breach and the day its act happened (as corrected): what a report "as of" a date filters on.
package struct DatedBreach: Hashable, Sendable {
    /// `YYYY-MM-DD`; nil for a breach that names no act of the case.
    package let on: String?
    package let breach: Breach

    package init(on: String?, breach: Breach) {
        self.on = on
        self.breach = breach
    }

    /// True when its act happened by `date` (`YYYY-MM-DD`), or it names none.
    package func happened(by date: String) -> Bool { on.map { $0 <= date } ?? true }
}

extension Agreement {
    /// Each case's whole verdict, judged with the Network's acts: its breaches (those ``fold(_:)``
    /// finds in its acts, each with the day its act happened) and its state. A case's verdict
    /// depends on the Network's acts and its own, never on another case's (corrections and
    /// references stay inside their case), so cases are folded in groups of ``casesPerFold`` on
    /// every core, each group with one fold of `network`: the result is the same as folding each
    /// case alone with `network`.
    package static func judged(_ cases: [(id: String, facts: [Fact])], network: [Fact]) -> [(breaches: [DatedBreach], state: CaseState?)] {
        let groups = stride(from: 0, to: cases.count, by: casesPerFold).map { $0..<min($0 + casesPerFold, cases.count) }
        return concurrentMap(groups.count) { g -> [(breaches: [DatedBreach], state: CaseState?)] in
            var facts = network
            for i in groups[g] { facts += cases[i].facts }
            let (world, found) = fold(facts)
            let happened = Dictionary(Corrections.applied(to: facts).map { ($0.id.description, $0.occurred.date) }, uniquingKeysWith: { a, _ in a })
            var byCase: [String: [DatedBreach]] = [:]
            for b in found {
                guard let c = b.caseID else { continue }
                byCase[c, default: []].append(DatedBreach(on: b.event.flatMap { happened[$0] }, breach: b))
            }
            return groups[g].map { i in (byCase[cases[i].id] ?? [], world.cases[cases[i].id]) }
        }.flatMap { $0 }
    }
}
