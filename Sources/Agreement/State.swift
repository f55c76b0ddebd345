import Ledger

/// An event as the fold sees it: the envelope, where this node holds it, and when it recorded it.
public struct Fact: Sendable {
    /// Sequence in this node's log; nil for a draft not yet appended.
    public let seq: UInt64?
    public let id: EventID
    public let type: String
    public let caseID: String?
    public let actor: String
    public let occurred: Timestamp
    public let recorded: Timestamp
    public let payload: [String: JSONValue]

    public init(seq: UInt64?, recorded: Timestamp, envelope e: Envelope) {
        self.seq = seq
        id = e.id
        type = e.type
        caseID = e.caseID
        actor = e.actor
        occurred = e.occurred
        self.recorded = recorded
        payload = e.payload
    }

    public init(_ stored: StoredEvent) {
        self.init(seq: stored.seq, recorded: stored.recorded, envelope: stored.event.envelope)
    }

    func string(_ field: String) -> String? { payload[field]?.stringValue }
    func strings(_ field: String) -> [String] { payload[field]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    func date(_ field: String) -> Timestamp? { string(field).flatMap(Timestamp.init(parsing:)) }
    /// The date the act happened, `YYYY-MM-DD`.
    var day: String { occurred.date }
}

/// The Network's facts as they stand at the fold's current instant (the fold runs in `occurred`
/// order, so "now" in the fold is "as of the act being judged").
public struct NetworkState: Sendable {
    /// The date the Agreement entered into force, if recorded.
    public var inForce: Timestamp?
    /// Party membership changes by State: (effective date, is a Party from then on).
    public var partyHistory: [String: [(effective: Timestamp, party: Bool)]] = [:]
    /// Each State's declared consular network (country → cities), as last declared.
    public var offices: [String: [String: [String]]] = [:]
    /// Designated focal points by State.
    public var focalPoints: [String: FocalPoint] = [:]
    /// Meetings by id.
    public var meetings: [String: Meeting] = [:]

    public struct FocalPoint: Sendable, Hashable {
        public let office, email, telephone: String
        public let since: Timestamp
    }

    public struct Meeting: Sendable, Hashable {
        public let id: String
        public var date: String
        public var city: String?
        public var country: String?
        public var held: Bool = false
        public var participants: [String] = []
        public var observers: [String] = []
        public var scheduledSeq: UInt64?
        public var heldSeq: UInt64?

        public init(id: String, date: String) {
            self.id = id
            self.date = date
        }
    }

    /// True when `state` is a Party on `date` (joined on or before it, and not left since).
    public func isParty(_ state: String, at date: Timestamp) -> Bool {
        var party = false
        for change in (partyHistory[state] ?? []).sorted(by: { $0.effective < $1.effective }) where change.effective <= date {
            party = change.party
        }
        return party
    }

    /// The meetings held, by date.
    public var heldMeetings: [Meeting] { meetings.values.filter(\.held).sorted { ($0.date, $0.id) < ($1.date, $1.id) } }

    /// The first meeting held (or, with `includeScheduled`, scheduled) strictly after `day`.
    public func firstMeeting(after day: String, includeScheduled: Bool = false) -> Meeting? {
        meetings.values.filter { ($0.held || includeScheduled) && $0.date > day }.min { ($0.date, $0.id) < ($1.date, $1.id) }
    }
}

/// Where a case stands on the usual path (domain.md, "The case lifecycle").
public enum CaseStatus: String, Sendable, CaseIterable, Comparable {
    case filed, notified, circulated, offers, assisting_selected, formally_requested, scope_agreed, in_protection
    case concluded, presented, withdrawn

    var rank: Int { CaseStatus.allCases.firstIndex(of: self)! }
    public static func < (a: CaseStatus, b: CaseStatus) -> Bool { a.rank < b.rank }
    public var isOpen: Bool { self < .concluded }
}

/// One case as the fold has seen it so far.
public struct CaseState: Sendable {
    public let id: String
    /// The State of nationality (the case id's prefix).
    public let requesting: String
    public var filed: Timestamp?
    public var filedEvent: EventID?
    public var subject: String?
    public var locationCountry: String?
    public var locationCity: String?
    public var category: String?
    public var perpetrator: String?
    public var channel: String?
    public var protectionRequired: String?
    public var indicators: [String: JSONValue] = [:]
    public var notified: Timestamp?
    public var circulated: Timestamp?
    public var offers: [String: Timestamp] = [:]
    public var declines: [String: Timestamp] = [:]
    public var selected: String?
    public var selectedAt: Timestamp?
    public var formalRequests: [String: Timestamp] = [:]
    /// Agreed scope by assisting State.
    public var scope: [String: Set<String>] = [:]
    public var scopeAgreedAt: Timestamp?
    public var actions: [(state: String, kind: String, at: Timestamp)] = []
    public var costs: [(payer: String, amount: String, currency: String, at: Timestamp)] = []
    public var claims: [EventID: Claim] = [:]
    public var concluded: Timestamp?
    public var concludedEvent: EventID?
    public var concludedSeq: UInt64?
    public var outcome: String?
    public var summary: String?
    public var withdrawn: Timestamp?
    public var presentations: [(meeting: String, at: Timestamp, provided: String, providedBy: String, nature: String, required: String, lessons: String)] = []
    public var erased: Timestamp?
    /// Who wrote each event of the case (for corrections).
    public var authors: [EventID: String] = [:]
    public var status: CaseStatus = .filed

    public struct Claim: Sendable {
        public let from: String
        public let claimant: String
        public let amount: String
        public let currency: String
        public let at: Timestamp
        public var settled: Timestamp?
    }

    init(id: String) {
        self.id = id
        requesting = CaseID(id)?.state ?? String(id.prefix(2))
    }

    /// The assisting State: the one selected, else the one that agreed scope.
    public var assisting: String? { selected ?? scope.keys.sorted().first }
    public var isClosed: Bool { concluded != nil || withdrawn != nil }

    mutating func advance(to s: CaseStatus) {
        if s > status { status = s }
    }
}

/// Everything the fold knows: the Network and every case.
public struct World: Sendable {
    public var network = NetworkState()
    public var cases: [String: CaseState] = [:]
    public init() {}
}
