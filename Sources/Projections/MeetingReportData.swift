import Agreement
import Ledger

/// Everything a meeting report says, read from the projections (and, for the breaches of the
/// period's cases, the Agreement's fold over those cases only).
package struct MeetingReportData: Sendable {
    package let meeting: MeetingView
    /// The previous meeting held before this one, if any.
    package let previous: MeetingView?
    /// The Network's next meeting after this one (scheduled or held, the earliest by date), if
    /// the ledger knows one: the report closes with it, as the Network's own reports do.
    package let next: MeetingView?
    /// Cases presented at this meeting, with the presentation made there.
    package let presented: [(summary: CaseSummary, presentation: CaseSummary.Presentation)]
    /// Cases filed since the previous meeting, up to this one.
    package let periodCases: [CaseSummary]
    /// Every case filed up to this meeting.
    package let casesToDate: [CaseSummary]
    /// Cases that were due at this meeting or an earlier one and were not presented there.
    package let overdue: [(summary: CaseSummary, due: MeetingView)]
    /// Agreement breaches found for the cases of the period (filed in it, or presented at or overdue for this meeting),
    /// committed by acts that happened by the report's date.
    package let breaches: [Breach]
    package let events: UInt64
    /// The date every count is as of: the meeting's date once it is held; for a meeting not yet
    /// held, `today` (the report is then an agenda).
    package let asOf: String
    /// For a meeting not yet held: the concluded cases not yet presented that are due there (no
    /// meeting not yet held comes before it after their conclusion), with the held meeting at which
    /// each was already due, if any (overdue).
    package let due: [(summary: CaseSummary, overdueSince: MeetingView?)]
    /// The words this node holds for the free text of the presented cases, by commitment; a
    /// commitment absent here is erased (the report says so and publishes nothing of it).
    package let words: [String: String]

    /// Every count is as of the meeting's date (a case concluded after it counts as open); a
    /// meeting not yet held is reported as of `today`, as an agenda (``due``).
    ///
    /// `progress` hears (cases judged, cases to judge) as the concerned cases are folded.
    ///
    /// - Throws: `.notFound` when the ledger has no such meeting.
    package static func make(
        store: ProjectionStore, meetingID: String, today: String = Timestamp.now().date, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> MeetingReportData {
        // (Who was presented comes from the case summaries as of the meeting.)
        let meetings = try store.meetings(withPresented: false)
        guard let meeting = meetings.first(where: { $0.id == meetingID }) else {
            let known = meetings.map(\.id).joined(separator: ", ")
            throw LedgerError(.notFound, "no meeting \(meetingID) in this ledger (meetings: \(known.isEmpty ? "none" : known))")
        }
        let asOf = meeting.held ? meeting.date : today
        let held = meetings.filter(\.held)
        let previous = held.last { $0.date < meeting.date }
        let next = meetings.filter { $0.date > meeting.date }.min { ($0.date, $0.id) < ($1.date, $1.id) }
        let all = try store.caseSummaries(asOf: asOf)
        let presented = ordered(
            all.compactMap { s -> (CaseSummary, CaseSummary.Presentation)? in
                s.presentations.first { $0.meeting == meetingID }.map { (s, $0) }
            }
        ) { ($0.0.filed ?? "", $0.0.caseID) }
        let periodCases = all.filter { s in
            guard let f = s.filed else { return false }
            return f <= meeting.date && (previous.map { f > $0.date } ?? true)
        }
        // The meeting each conclusion day was due at, worked out once per day.
        var dueAt: [String: MeetingView?] = [:]
        func dueMeeting(_ concluded: String) -> MeetingView? {
            if let known = dueAt[concluded] { return known }
            let found = Deadlines.presentationMeeting(concludedOn: concluded, among: held, includeScheduled: false)
            dueAt[concluded] = .some(found)
            return found
        }
        var overdue: [(CaseSummary, MeetingView)] = []
        for s in all {
            guard let concluded = s.concluded, let due = dueMeeting(concluded),
                due.date <= meeting.date,
                !s.presentations.contains(where: { $0.meeting == due.id })
            else { continue }
            overdue.append((s, due))
        }
        overdue = ordered(overdue) { ($0.1.date, $0.0.caseID) }
        var due: [(CaseSummary, MeetingView?)] = []
        if !meeting.held {
            let pending = meetings.filter { !$0.held && $0.id != meeting.id }
            for s in all where s.presentations.isEmpty {
                guard let concluded = s.concluded, concluded < meeting.date,
                    !pending.contains(where: { $0.date > concluded && $0.date < meeting.date })
                else { continue }
                due.append((s, dueMeeting(concluded)))
            }
            due = ordered(due) { ($0.0.concluded ?? "", $0.0.caseID) }
        }
        let concerned = Set(periodCases.map(\.caseID) + presented.map(\.0.caseID) + overdue.map(\.0.caseID) + due.map(\.0.caseID))
        // The concerned cases' breaches by acts that happened by the report's date: the stored
        // findings (``ProjectionStore/caseFindings(_:)``), or, on a read-only ledger built before
        // them, a fold of those cases (`Agreement.breaches(ofCases:network:asOf:)`).
        let cases = concerned.sorted()
        let breaches: [Breach]
        if let stored = try store.caseFindings(cases) {
            breaches = Agreement.sorted(cases.flatMap { stored[$0] ?? [] }.filter { $0.happened(by: asOf) }.map(\.breach))
            progress?(UInt64(cases.count), UInt64(cases.count))
        } else {
            breaches = try store.log.snapshot {
                let network = try store.log.events(inCase: "").map(Fact.init)
                var found: [Breach] = []
                let round = 16 * Agreement.casesPerFold
                for start in stride(from: 0, to: cases.count, by: round) {
                    let chunk = try cases[start..<min(start + round, cases.count)].map { (id: $0, entries: try store.log.rawEntries(inCase: $0)) }
                    found += try Agreement.breaches(ofCases: chunk, network: network, asOf: asOf)
                    progress?(UInt64(start + chunk.count), UInt64(cases.count))
                }
                return Agreement.sorted(found)
            }
        }
        let toDate = all.filter { ($0.filed ?? "9999") <= meeting.date }
        let said = presented.flatMap { s, p in [s.summary, p.nature, p.required, p.provided, p.lessons].compactMap { $0 } }
        return MeetingReportData(
            meeting: meeting, previous: previous, next: next, presented: presented, periodCases: periodCases, casesToDate: toDate,
            overdue: overdue, breaches: breaches, events: try store.log.size(), asOf: asOf, due: due,
            words: try store.log.words(for: said.filter(Words.isCommitment)))
    }
}

/// `items` ordered by `key` (a day, then a case id), each moved once: a case summary is large, and
/// a report sorts tens of thousands.
private func ordered<T>(_ items: [T], by key: (T) -> (String, String)) -> [T] {
    let keys = items.map(key)
    return items.indices.sorted { keys[$0] < keys[$1] }.map { items[$0] }
}
