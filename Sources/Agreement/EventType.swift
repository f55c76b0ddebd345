import Ledger

/// An event type of the catalog (shared/docs/domain.md, "Event catalog"): its wire name. Every
/// type is a row of ``Catalog`` (``Catalog/specs``), which names it; the constants below are the
/// types that code outside the catalog row reads by name (a rule, a projection, a command). A new
/// type that no other code singles out needs none: its row writes `EventType("case.x")`.
package struct EventType: Sendable, Hashable {
    /// The name events carry in their `type` field.
    package let name: String

    /// A type by its wire name, for a catalog row.
    init(_ name: String) { self.name = name }

    /// The catalog's type named `name`, or nil for a name the catalog does not know.
    package init?(name: String) {
        guard let spec = Catalog.spec(named: name) else { return nil }
        self = spec.type
    }

    /// Every type, in catalog order.
    package static var allCases: [EventType] { Catalog.specs.map(\.type) }

    /// The three key events the Ledger layer checks (registry of who may sign for whom).
    package var isKeyEvent: Bool { KeyRegistry.isKeyEvent(name) }

    // Key events: defined by the Ledger layer, which checks them.
    package static let genesis = EventType(KeyRegistry.genesisType)
    package static let keyRegistered = EventType(KeyRegistry.registeredType)
    package static let keyRevoked = EventType(KeyRegistry.revokedType)
    // Network events.
    package static let enteredIntoForce = EventType("agreement.entered_into_force")
    package static let joinedAgreement = EventType("state.joined_agreement")
    package static let leftAgreement = EventType("state.left_agreement")
    package static let networkDeclared = EventType("state.consular_network_declared")
    package static let focalPointDesignated = EventType("state.focal_point_designated")
    package static let meetingScheduled = EventType("meeting.scheduled")
    package static let meetingHeld = EventType("meeting.held")
    package static let reimbursementTermSet = EventType("network.reimbursement_term_set")
    // Case events.
    package static let requestFiled = EventType("case.request_filed")
    package static let secretariatNotified = EventType("case.secretariat_notified")
    package static let circulated = EventType("case.circulated")
    package static let collaborationOffered = EventType("case.collaboration_offered")
    package static let collaborationDeclined = EventType("case.collaboration_declined")
    package static let assistingStateSelected = EventType("case.assisting_state_selected")
    package static let formalRequestSent = EventType("case.formal_request_sent")
    package static let scopeAgreed = EventType("case.scope_agreed")
    package static let protectionActionRecorded = EventType("case.protection_action_recorded")
    package static let costRecorded = EventType("case.cost_recorded")
    package static let reimbursementClaimed = EventType("case.reimbursement_claimed")
    package static let reimbursed = EventType("case.reimbursed")
    package static let concluded = EventType("case.concluded")
    package static let withdrawn = EventType("case.withdrawn")
    package static let presentedAtMeeting = EventType("case.presented_at_meeting")
    package static let personalDataErased = EventType(Words.caseErasureType)
    package static let redacted = EventType(Words.redactionType)
    package static let corrected = EventType("case.corrected")
}

extension EventType: CustomStringConvertible {
    package var description: String { name }
}
