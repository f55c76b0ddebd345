import Ledger
import Synchronization

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

    /// One case's `breaches`, each with the day its act among `facts` (as corrected) happened.
    package static func dated(_ breaches: [Breach], facts: [Fact]) -> [DatedBreach] {
        var happened: [String: String] = [:]
        for f in Corrections.applied(to: facts) where happened[f.id.description] == nil { happened[f.id.description] = f.occurred.date }
        return breaches.map { DatedBreach(on: $0.event.flatMap { happened[$0] }, breach: $0) }
    }
}

extension Agreement {
    /// Each case's whole verdict, judged with the Network's acts: its breaches (those ``fold(_:)``
    /// finds in its acts when they are folded with `network`, each with the day its act happened)
    /// and its state. A case's verdict depends on the Network's acts and its own, never on another
    /// case's (corrections and references stay inside their case), so each case is judged alone,
    /// on every core, against one fold of the Network (``NetworkTimeline``, kept for the next call
    /// with the same acts): the Network's state before each of the case's acts is looked up, not
    /// folded again. The result is ``fold(_:)``'s on `network` and the case's acts (tested).
    package static func judged(_ cases: [(id: String, facts: [Fact])], network: [Fact]) -> [(breaches: [DatedBreach], state: CaseState?)] {
        let timeline = NetworkTimeline.of(network)
        return concurrentMap(cases.count) { i in judge(cases[i].id, cases[i].facts, network: network, timeline) }
    }

    private static func judge(_ id: String, _ facts: [Fact], network: [Fact], _ timeline: NetworkTimeline) -> (
        breaches: [DatedBreach], state: CaseState?
    ) {
        let corrected = Corrections.applied(to: facts)
        var world = World(calendar: timeline.calendar)
        var found: [Breach] = []
        if Calendar(facts) == Calendar() {
            for fact in ordered(corrected) {
                world.network = timeline.state(before: fact)
                found += apply(fact, to: &world)
            }
            world.network = timeline.final
            found += finalize(world)
            found = sorted(withoutPending(found, pendingReferences(facts)))
        } else {
            // An act the Network's calendar takes in (possible only in a malformed case act from a
            // bundle): the whole fold, as the definition says.
            (world, found) = fold(network + facts)
        }
        return (DatedBreach.dated(found.filter { $0.caseID == id }, facts: facts), world.cases[id])
    }
}

/// The Network's acts folded once, in act order: its state before each act a case could make.
/// Network acts change only the Network's state and are judged without any case's, so a case's
/// acts folded with them see, at each act, the state the Network's acts before it (by
/// ``Agreement/ordered(_:)``: time, then sequence, the Network's first on a tie) left.
struct NetworkTimeline: Sendable {
    let identity: [(EventID, UInt64?)]
    let calendar: Calendar
    /// `(occurred, seq)` of each act, in act order.
    let keys: [(Timestamp, UInt64)]
    /// `states[k]`: the Network after its first `k` acts in act order.
    let states: [NetworkState]
    var final: NetworkState { states[states.count - 1] }

    init(_ network: [Fact]) {
        identity = network.map { ($0.id, $0.seq) }
        calendar = Calendar(network)
        let ordered = Agreement.ordered(Corrections.applied(to: network))
        var world = World(calendar: calendar)
        var states = [world.network]
        for fact in ordered {
            _ = Agreement.apply(fact, to: &world)
            states.append(world.network)
        }
        keys = ordered.map { ($0.occurred, $0.seq ?? .max) }
        self.states = states
    }

    /// The Network as a case act `fact` sees it: after every Network act ordered before it.
    func state(before fact: Fact) -> NetworkState {
        let key = (fact.occurred, fact.seq ?? .max)
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] <= key { low = mid + 1 } else { high = mid }
        }
        return states[low]
    }

    /// The timeline of `network`, folded once per set of acts (the last one is kept).
    static func of(_ network: [Fact]) -> NetworkTimeline {
        if let held = last.withLock({ $0 }), held.identity.count == network.count,
            zip(held.identity, network).allSatisfy({ $0.0 == $1.id && $0.1 == $1.seq })
        {
            return held
        }
        let made = NetworkTimeline(network)
        last.withLock { $0 = made }
        return made
    }

    private static let last = Mutex<NetworkTimeline?>(nil)
}
