import Agreement
import Ledger

/// One State's workload: as requesting State (its nationals' cases) and as assisting State.
/// Every field is a sum over cases, so a case's contribution can be added and taken back: the
/// workload projection keeps it current case by case, and the report recomputes it for a period.
package struct WorkloadRow: Equatable, Sendable {
    package var state: String
    package var requested = 0
    package var assisted = 0
    package var open = 0
    package var concluded = 0
    package var withdrawn = 0
    /// Protection actions recorded as assisting State.
    package var actions = 0
    /// Days from filing to scope agreed, and to conclusion, of its requested cases, as histograms
    /// (days → cases): their size is bounded by the range of days, not by the number of cases, so
    /// updating a row costs the same whatever the ledger's size.
    package var daysToScope: [Int: Int] = [:]
    package var daysToConclusion: [Int: Int] = [:]
    package var byCategory: [String: Int] = [:]
    package var byLocation: [String: Int] = [:]
    /// Costs of its requested cases by payer, in minor units per currency ("IOM USD" → 35000).
    package var costs: [String: Int] = [:]
    /// Reimbursement claims it made as assisting State: count and amounts per currency.
    package var claims = 0
    package var claimed: [String: Int] = [:]
    package var settled = 0

    package init(state: String) { self.state = state }

    /// Median of a histogram (the lower middle for an even count, so it stays a whole day).
    package static func median(_ histogram: [Int: Int]) -> Int? {
        let total = histogram.values.reduce(0, +)
        guard total > 0 else { return nil }
        var seen = 0
        for day in histogram.keys.sorted() {
            seen += histogram[day]!
            if seen > (total - 1) / 2 { return day }
        }
        return nil
    }

    // MARK: Contributions

    /// Adds (`sign` 1) or takes back (`sign` -1) one case's contribution to the rows of its States.
    package static func apply(_ s: CaseSummary, sign: Int, to rows: inout [String: WorkloadRow]) {
        func row(_ state: String, _ body: (inout WorkloadRow) -> Void) {
            var r = rows[state] ?? WorkloadRow(state: state)
            body(&r)
            rows[state] = r
        }
        func list(_ xs: inout [Int: Int], _ x: Int?) {
            guard let x else { return }
            xs[x, default: 0] += sign
            if xs[x] == 0 { xs[x] = nil }
        }
        func count(_ d: inout [String: Int], _ key: String?, _ n: Int = 1) {
            guard let key else { return }
            d[key, default: 0] += sign * n
            if d[key] == 0 { d[key] = nil }
        }
        let isOpen = CaseStatus(rawValue: s.status)?.isOpen ?? false
        row(s.requesting) { r in
            r.requested += sign
            if isOpen { r.open += sign }
            if s.concluded != nil { r.concluded += sign }
            if s.withdrawn != nil { r.withdrawn += sign }
            list(&r.daysToScope, CaseSummary.days(s.filed, s.scopeAgreed))
            list(&r.daysToConclusion, CaseSummary.days(s.filed, s.concluded))
            count(&r.byCategory, s.category)
            count(&r.byLocation, s.locationCountry)
            for c in s.costs { count(&r.costs, "\(c.payer) \(c.currency)", c.amount) }
        }
        if let a = s.assisting, s.scopeAgreed != nil || s.actions > 0 {
            row(a) { r in
                r.assisted += sign
                r.actions += sign * s.actions
            }
        }
        for c in s.claims {
            row(c.claimant) { r in
                r.claims += sign
                count(&r.claimed, c.currency, c.amount)
                if c.settled != nil { r.settled += sign }
            }
        }
    }

    /// The rows of every Member State (zeros included), in the domain's order, from `cases`.
    package static func rows(_ cases: [CaseSummary]) -> [WorkloadRow] {
        var rows: [String: WorkloadRow] = [:]
        for c in cases { apply(c, sign: 1, to: &rows) }
        return (Codes.memberStates + rows.keys.filter { !Codes.isMemberState($0) }.sorted()).map { rows[$0] ?? WorkloadRow(state: $0) }
    }

    package var json: JSONValue {
        func dict(_ d: [String: Int]) -> JSONValue { .object(d.mapValues { .number(Double($0)) }) }
        func histogram(_ h: [Int: Int]) -> JSONValue { .object(Dictionary(uniqueKeysWithValues: h.map { (String($0.key), .number(Double($0.value))) })) }
        return .object([
            "state": .string(state), "requested": .number(Double(requested)), "assisted": .number(Double(assisted)),
            "open": .number(Double(open)), "concluded": .number(Double(concluded)), "withdrawn": .number(Double(withdrawn)),
            "actions": .number(Double(actions)),
            "days_to_scope": histogram(daysToScope), "days_to_conclusion": histogram(daysToConclusion),
            "by_category": dict(byCategory), "by_location": dict(byLocation), "costs": dict(costs),
            "claims": .number(Double(claims)), "claimed": dict(claimed), "settled": .number(Double(settled)),
        ])
    }

    /// Reads a stored row back; every field must be there.
    package init(json v: JSONValue) throws {
        let o = try StoredObject(v, "workload row")
        func histogram(_ k: String) throws -> [Int: Int] {
            var out: [Int: Int] = [:]
            for (key, n) in try o.counts(k) {
                guard let day = Int(key) else { throw LedgerError(.corrupt, "workload row: \(k) has key \"\(key)\"; run `amparo rebuild`") }
                out[day] = n
            }
            return out
        }
        state = try o.string("state")
        requested = try o.int("requested")
        assisted = try o.int("assisted")
        open = try o.int("open")
        concluded = try o.int("concluded")
        withdrawn = try o.int("withdrawn")
        actions = try o.int("actions")
        claims = try o.int("claims")
        settled = try o.int("settled")
        daysToScope = try histogram("days_to_scope")
        daysToConclusion = try histogram("days_to_conclusion")
        byCategory = try o.counts("by_category")
        byLocation = try o.counts("by_location")
        costs = try o.counts("costs")
        claimed = try o.counts("claimed")
    }
}

/// One Network meeting as the meeting-report view keeps it.
package struct MeetingView: Equatable, Sendable, MeetingDate {
    package var id: String
    package var date: String
    package var city: String?
    package var country: String?
    package var held: Bool
    package var participants: [String]
    package var observers: [String]
    /// Cases presented at it, sorted.
    package var presented: [String]

    package init(_ m: NetworkState.Meeting, presented: [String]) {
        id = m.id
        date = m.date
        city = m.city
        country = m.country
        held = m.held
        participants = m.participants
        observers = m.observers
        self.presented = presented.sorted()
    }

    package var json: JSONValue {
        func o(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            "id": .string(id), "date": .string(date), "city": o(city), "country": o(country), "held": .bool(held),
            "participants": .array(participants.map(JSONValue.string)), "observers": .array(observers.map(JSONValue.string)),
            "presented": .array(presented.map(JSONValue.string)),
        ])
    }

    /// Reads a stored meeting back; every field must be there.
    package init(json v: JSONValue) throws {
        let o = try StoredObject(v, "meeting view")
        id = try o.string("id")
        date = try o.string("date")
        city = try o.optionalString("city")
        country = try o.optionalString("country")
        held = try o.bool("held")
        participants = try o.strings("participants")
        observers = try o.strings("observers")
        presented = try o.strings("presented")
    }
}
