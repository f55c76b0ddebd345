/// A meeting of the Network as the rules of time read it: when, and whether it was held.
package protocol MeetingDate {
    var id: String { get }
    /// YYYY-MM-DD.
    var date: String { get }
    var held: Bool { get }
}

extension NetworkState.Meeting: MeetingDate {}

/// Every rule of time the obligations read, defined once: the fold's rules, `amparo workload`,
/// the meeting report, a case's obligations, the console's dashboard and its JSON API all ask here,
/// so they cannot disagree about a date.
package enum Deadlines {
    /// The day a reimbursement claimed on `claimed` (YYYY-MM-DD) falls due: the same day 12 months
    /// later, a claim of 29 February on 28 February. Not the Agreement's words: the EU's practice
    /// (Directive (EU) 2015/637, Art. 14), as domain.md says.
    package static func reimbursementDue(claimedOn claimed: String) -> String {
        let p = claimed.prefix(10).split(separator: "-")
        guard p.count == 3, let year = Int(p[0]) else { return String(claimed.prefix(10)) }
        let day = p[1] == "02" && p[2] == "29" ? "28" : String(p[2])
        let next = String(year + 1)
        return String(repeating: "0", count: max(0, 4 - next.count)) + next + "-\(p[1])-\(day)"
    }

    /// Whether an unsettled claim of `claimed` is overdue on `day` (YYYY-MM-DD): after the day it
    /// falls due (no rule is breached, it is an obligation).
    package static func reimbursementOverdue(claimedOn claimed: String, on day: String) -> Bool {
        reimbursementDue(claimedOn: claimed) < String(day.prefix(10))
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
