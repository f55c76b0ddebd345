import Agreement

/// The obligations the dashboard counts, from the case index and the meetings: no fold.
package struct Obligations {
    /// Each obligation's catalog key and the cases it concerns.
    package let groups: [(String, [String])]

    package init(cards: [CaseCard], meetings: [MeetingView], today: String) {
        let open = cards.filter(\.isOpen)
        let beforeRequest: Set<CaseStatus> = [.filed, .notified, .circulated, .offers, .assistingSelected]
        let noRequest = open.filter { CaseStatus(rawValue: $0.status).map(beforeRequest.contains) ?? false }.map(\.caseID)
        let noScope = open.filter { $0.status == CaseStatus.formallyRequested.rawValue }.map(\.caseID)
        var overdue: [String] = []
        var due: [String] = []
        for c in cards {
            guard let concluded = c.awaitingPresentation else { continue }
            switch Deadlines.presentation(concludedOn: concluded, among: meetings) {
            case .due: due.append(c.caseID)
            case .overdue: overdue.append(c.caseID)
            }
        }
        // The oldest unsettled claim is the first to fall due: the case is overdue when it is.
        let reimbursements = cards.filter { c in
            c.oldestUnsettledClaim.map { Deadlines.reimbursementOverdue(claimedOn: $0, on: today) } ?? false
        }.map(\.caseID)
        groups = [
            ("obligation.formal_request", noRequest), ("obligation.scope", noScope), ("obligation.presentation_overdue", overdue),
            ("obligation.presentation_due", due), ("obligation.reimbursement", reimbursements),
        ]
    }
}
