import Agreement

/// The obligations the dashboard counts, from the case projection and the meetings: no fold.
package struct Obligations {
    /// Each obligation's catalog key and the cases it concerns.
    package let groups: [(String, [String])]

    package init(summaries: [CaseSummary], meetings: [MeetingView], today: String) {
        let open = summaries.filter { CaseStatus(rawValue: $0.status)?.isOpen ?? false }
        let beforeRequest: Set<CaseStatus> = [.filed, .notified, .circulated, .offers, .assistingSelected]
        let noRequest = open.filter { CaseStatus(rawValue: $0.status).map(beforeRequest.contains) ?? false }.map(\.caseID)
        let noScope = open.filter { $0.status == CaseStatus.formallyRequested.rawValue }.map(\.caseID)
        var overdue: [String] = []
        var due: [String] = []
        for s in summaries where s.presentations.isEmpty && s.withdrawn == nil {
            guard let concluded = s.concluded else { continue }
            switch Deadlines.presentation(concludedOn: concluded, among: meetings) {
            case .due: due.append(s.caseID)
            case .overdue: overdue.append(s.caseID)
            }
        }
        var reimbursements: [String] = []
        for s in summaries {
            for c in s.claims where c.settled == nil && Deadlines.reimbursementOverdue(claimedOn: c.claimed, on: today) {
                reimbursements.append(s.caseID)
                break
            }
        }
        groups = [
            ("obligation.formal_request", noRequest), ("obligation.scope", noScope), ("obligation.presentation_overdue", overdue),
            ("obligation.presentation_due", due), ("obligation.reimbursement", reimbursements),
        ]
    }

}
