import Ledger

/// A meeting of the Network as the rules of time read it: when, and whether it was held.
package protocol MeetingDate {
    var id: String { get }
    /// YYYY-MM-DD.
    var date: String { get }
    var held: Bool { get }
}

extension NetworkState.Meeting: MeetingDate {}

/// The time a reimbursement claim has before it falls due. Art. 8 sets none: the Network sets it
/// by an act of the Secretariat (`network.reimbursement_term_set`, naming its source); until it
/// does, a claim has 12 months, the EU's practice (Directive (EU) 2015/637, Art. 14), and every
/// view that shows the term says it is the default.
package struct ReimbursementTerm: Sendable, Equatable {
    package let months: Int
    /// The decision that set it, as the Secretariat named it; nil for the default.
    package let source: String?
    /// The day from which claims fall under it (YYYY-MM-DD); nil for the default.
    package let effective: String?
    /// The sequence number of the act that set it (which of two acts of one day applies).
    let seq: UInt64?

    package init(months: Int, source: String?, effective: String?, seq: UInt64? = nil) {
        self.months = months
        self.source = source
        self.effective = effective
        self.seq = seq
    }

    /// 12 months, until the Network sets a term.
    package static let standard = ReimbursementTerm(months: 12, source: nil, effective: nil)

    /// True for the default term (no act of the Network set it).
    package var isDefault: Bool { source == nil }

    /// As the JSON API and `--format json` give it: `{"months": 12, "source": null, "effective":
    /// null, "default": true}`.
    package var json: JSONValue {
        .object([
            "months": .number(Double(months)), "source": source.map(JSONValue.string) ?? .null,
            "effective": effective.map(JSONValue.string) ?? .null, "default": .bool(isDefault),
        ])
    }

    /// The day a claim made on `claimed` (YYYY-MM-DD) falls due under this term.
    package func due(claimedOn claimed: String) -> String { Deadlines.adding(months: months, to: claimed) }
}

/// The terms the Network set, by the day from which each applies. A claim falls under the term in
/// force on the day it was made, for good: a later term changes no claim already made.
package struct ReimbursementTerms: Sendable, Equatable {
    /// By effective day; on one day, in the order the acts were recorded (the last one applies).
    package private(set) var set: [ReimbursementTerm] = []

    package init() {}

    /// The terms the Network's acts `facts` set.
    package init(_ facts: some Sequence<Fact>) { self = Calendar(facts).reimbursementTerms }

    /// Takes in a term (any order).
    package mutating func note(_ term: ReimbursementTerm) {
        func key(_ t: ReimbursementTerm) -> (String, UInt64) { (t.effective ?? "", t.seq ?? .max) }
        let at = set.firstIndex { key($0) > key(term) } ?? set.count
        set.insert(term, at: at)
    }

    /// The term a claim made on `day` (YYYY-MM-DD) falls under.
    package func term(on day: String) -> ReimbursementTerm {
        set.last { ($0.effective ?? "") <= String(day.prefix(10)) } ?? .standard
    }

    /// The day a claim made on `claimed` falls due.
    package func due(claimedOn claimed: String) -> String { term(on: claimed).due(claimedOn: claimed) }

    /// Whether an unsettled claim made on `claimed` is overdue on `day` (YYYY-MM-DD): after the day
    /// it falls due (no rule is breached, it is an obligation).
    package func overdue(claimedOn claimed: String, on day: String) -> Bool { due(claimedOn: claimed) < String(day.prefix(10)) }
}

/// Every rule of time the obligations read, defined once: the fold's rules, `amparo workload`,
/// the meeting report, a case's obligations, the console's dashboard and its JSON API all ask here,
/// so they cannot disagree about a date.
package enum Deadlines {
    /// The day `months` months after `day` (YYYY-MM-DD): the same day of the month, or the last
    /// day of the month when it has no such day (a claim of 31 August with a term of 6 months
    /// falls due on 28 or 29 February; one of 29 February with 12 months on 28 February).
    package static func adding(months: Int, to day: String) -> String {
        let p = day.prefix(10).split(separator: "-")
        guard p.count == 3, let year = Int(p[0]), let month = Int(p[1]), let d = Int(p[2]) else { return String(day.prefix(10)) }
        let total = year * 12 + (month - 1) + months
        let (y, m) = (total / 12, total % 12 + 1)
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        func two(_ n: Int) -> String { String(n).leftPadded(to: 2) }
        return String(y).leftPadded(to: 4) + "-" + two(m) + "-" + two(min(d, length))
    }

    /// Art. 7.7: the meeting a case concluded on `concluded` (YYYY-MM-DD) is to be presented at:
    /// the first meeting after that day (held ones only, unless `includeScheduled`), the earliest
    /// id first on one date.
    package static func presentationMeeting<M: MeetingDate>(concludedOn concluded: String, among meetings: some Sequence<M>, includeScheduled: Bool)
        -> M?
    {
        meetings.filter { ($0.held || includeScheduled) && $0.date > concluded }.min { ($0.date, $0.id) < ($1.date, $1.id) }
    }

    /// Where a concluded, unpresented case stands: due at a meeting not yet held (or at the next
    /// one, when none is scheduled), or overdue since the meeting held without it.
    package enum Presentation<M: MeetingDate> {
        case due(M?)
        case overdue(M)
    }

    /// The standing of a case concluded on `concluded` and not yet presented, given every meeting
    /// known (held and scheduled).
    package static func presentation<M: MeetingDate>(concludedOn concluded: String, among meetings: some Sequence<M>) -> Presentation<M> {
        guard let next = presentationMeeting(concludedOn: concluded, among: meetings, includeScheduled: true) else { return .due(nil) }
        return next.held ? .overdue(next) : .due(next)
    }
}
