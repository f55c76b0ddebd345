import Ledger

/// Which cases' verdicts a few new Network acts can change, from what the rules read of the
/// Network (docs/design.md, "Stored findings"). A superset: a case it reaches is judged again; a
/// case it does not reach would fold to the same findings.
///
/// - The entry into force (Art. 9) is read at every filing: every case.
/// - A State joining or leaving (Art. 7.2), or declaring its consular network (Art. 7.3, 7.6): the
///   cases that name the State, and those that name a country where it ever declared an office
///   (Art. 5 ¶2 counts the Parties with a mission in the location country).
/// - A focal point (Art. 7.6): the cases that name the State (its acts are judged against it).
/// - A meeting scheduled or held (Art. 7.7): the cases that name the meeting, and those concluded
///   on a day whose "following meeting" it can be: before the latest day the meeting has had, and
///   on or after the last other meeting held before the earliest.
/// - Key events, and acts the fold ignores (malformed, of an unknown type): none.
package struct NetworkReach: Sendable, Equatable {
    package var everyCase = false
    package var codes: Set<String> = []
    package var meetings: Set<String> = []
    /// Conclusion days in `from..<to` (`from` nil: any day before `to`).
    package var concluded: [Window] = []

    package struct Window: Sendable, Equatable {
        package let from: String?
        package let to: String
    }

    /// The reach of `new`, Network acts among `network` (every Network act the verdicts are
    /// judged with, `new` included).
    package init(new: [Fact], network: [Fact]) {
        lazy var known = Agreement.state(network).network.meetings
        for f in new where f.caseID == nil && f.isWellFormed {
            switch f.kind {
            case .enteredIntoForce?:
                everyCase = true
            case .joinedAgreement?, .leftAgreement?, .networkDeclared?:
                codes.insert(f.actor)
                for d in network where d.actor == f.actor && d.kind == .networkDeclared && d.isWellFormed {
                    codes.formUnion((d[.offices] ?? [:]).keys)
                }
            case .focalPointDesignated?:
                codes.insert(f.actor)
            case .meetingScheduled?, .meetingHeld?:
                guard let id = f[.meeting] else { continue }
                self.meetings.insert(id)
                var days = [String(id.prefix(10))]
                for d in network where (d.kind == .meetingScheduled || d.kind == .meetingHeld) && d[.meeting] == id {
                    if let date = d[.date] { days.append(date.date) }
                }
                if let m = known[id] { days.append(m.date) }
                let earliest = days.min()!
                let before = known.values.filter { $0.held && $0.id != id && $0.date < earliest }.map(\.date).max()
                concluded.append(Window(from: before, to: days.max()!))
            default:
                continue
            }
        }
    }

    /// True when nothing is reached.
    package var isEmpty: Bool { !everyCase && codes.isEmpty && meetings.isEmpty && concluded.isEmpty }

    /// True when a case concluded on `concluded`, naming `codes` and `meetings`, is reached.
    package func reaches(concluded day: String?, codes named: some Sequence<String>, meetings held: some Sequence<String>) -> Bool {
        if everyCase { return true }
        if named.contains(where: codes.contains) || held.contains(where: meetings.contains) { return true }
        guard let day else { return false }
        return concluded.contains { w in day < w.to && w.from.map { day >= $0 } ?? true }
    }
}
