import Ledger

/// Every event type of the catalog (shared/docs/domain.md, "Event catalog"), as a type. Its wire
/// name is written here once; everything else about a type is its row in ``Catalog``.
package enum EventType: CaseIterable, Sendable, Hashable {
    // Key events: defined by the Ledger layer, which checks them.
    case genesis, keyRegistered, keyRevoked
    // Network events.
    case enteredIntoForce, joinedAgreement, leftAgreement, networkDeclared, focalPointDesignated
    case meetingScheduled, meetingHeld
    // Case events.
    case requestFiled, secretariatNotified, circulated, collaborationOffered, collaborationDeclined
    case assistingStateSelected, formalRequestSent, scopeAgreed, protectionActionRecorded
    case costRecorded, reimbursementClaimed, reimbursed, concluded, withdrawn, presentedAtMeeting
    case personalDataErased, redacted, corrected

    /// The name events carry in their `type` field.
    package var name: String {
        switch self {
        case .genesis: KeyRegistry.genesisType
        case .keyRegistered: KeyRegistry.registeredType
        case .keyRevoked: KeyRegistry.revokedType
        case .enteredIntoForce: "agreement.entered_into_force"
        case .joinedAgreement: "state.joined_agreement"
        case .leftAgreement: "state.left_agreement"
        case .networkDeclared: "state.consular_network_declared"
        case .focalPointDesignated: "state.focal_point_designated"
        case .meetingScheduled: "meeting.scheduled"
        case .meetingHeld: "meeting.held"
        case .requestFiled: "case.request_filed"
        case .secretariatNotified: "case.secretariat_notified"
        case .circulated: "case.circulated"
        case .collaborationOffered: "case.collaboration_offered"
        case .collaborationDeclined: "case.collaboration_declined"
        case .assistingStateSelected: "case.assisting_state_selected"
        case .formalRequestSent: "case.formal_request_sent"
        case .scopeAgreed: "case.scope_agreed"
        case .protectionActionRecorded: "case.protection_action_recorded"
        case .costRecorded: "case.cost_recorded"
        case .reimbursementClaimed: "case.reimbursement_claimed"
        case .reimbursed: "case.reimbursed"
        case .concluded: "case.concluded"
        case .withdrawn: "case.withdrawn"
        case .presentedAtMeeting: "case.presented_at_meeting"
        case .personalDataErased: Words.caseErasureType
        case .redacted: Words.redactionType
        case .corrected: "case.corrected"
        }
    }

    static let byName: [String: EventType] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })

    /// The type named `name`, or nil for a name the catalog does not know.
    package init?(name: String) {
        guard let type = EventType.byName[name] else { return nil }
        self = type
    }

    /// The three key events the Ledger layer checks (registry of who may sign for whom).
    package var isKeyEvent: Bool { KeyRegistry.isKeyEvent(name) }
}

extension EventType: CustomStringConvertible {
    package var description: String { name }
}
