import Agreement

/// The obligations the dashboard counts, from the case index and the meetings: no fold.
package struct Obligations {
    /// Each obligation's catalog key and the cases it concerns.
    package let groups: [(String, [String])]

    /// Whether a case's card counts in some obligation or in the open cases (the dashboard
    /// decodes only those).
    package static func concerns(_ c: CaseCard.View) -> Bool {
        c.isOpen || c.bytes(.awaitingPresentation) != nil || c.hasUnsettledClaims
    }

    package init(cards: [CaseCard], meetings: [MeetingView], terms: ReimbursementTerms, today: String) {
        let open = cards.filter(\.isOpen)
        let beforeRequest: Set<CaseStatus> = [.filed, .notified, .circulated, .offers, .assistingSelected]
        let noRequest = open.filter { CaseStatus(rawValue: $0.status).map(beforeRequest.contains) ?? false }.map(\.caseID)
        let noScope = open.filter { $0.status == CaseStatus.formallyRequested.rawValue }.map(\.caseID)
        // Each deadline is a function of one day: worked out once per day, not once per case.
        var presentationLate: [String: Bool] = [:]
        var overdue: [String] = []
        var due: [String] = []
        for c in cards {
            guard let concluded = c.awaitingPresentation else { continue }
            let late =
                presentationLate[concluded]
                ?? {
                    if case .overdue = Deadlines.presentation(concludedOn: concluded, among: meetings) { return true }
                    return false
                }()
            presentationLate[concluded] = late
            if late { overdue.append(c.caseID) } else { due.append(c.caseID) }
        }
        // A case is overdue when one of its unsettled claims is: each claim under the term in
        // force on its day (a later claim under a shorter term can fall due first).
        var claimOverdue: [String: Bool] = [:]
        var reimbursements: [String] = []
        for c in cards {
            let late = c.unsettledClaims.contains { claim in
                if let known = claimOverdue[claim.claimed] { return known }
                let late = terms.overdue(claimedOn: claim.claimed, on: today)
                claimOverdue[claim.claimed] = late
                return late
            }
            if late { reimbursements.append(c.caseID) }
        }
        groups = [
            ("obligation.formal_request", noRequest), ("obligation.scope", noScope), ("obligation.presentation_overdue", overdue),
            ("obligation.presentation_due", due), ("obligation.reimbursement", reimbursements),
        ]
    }
}
