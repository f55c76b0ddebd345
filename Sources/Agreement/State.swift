import Foundation
import Ledger

/// An event as the fold sees it: the envelope, where this node holds it, and when it recorded it.
public struct Fact: Sendable {
    /// Sequence in this node's log; nil for a draft not yet appended.
    public let seq: UInt64?
    public let id: EventID
    /// The `type` the event carries, as written.
    public let type: String
    /// Its catalog type; nil for a name the catalog does not know (possible only in imported events).
    public let kind: EventType?
    public let caseID: String?
    public let actor: String
    /// When the act happened: as written, or as its author corrected it (``Corrections``).
    public internal(set) var occurred: Timestamp
    public let recorded: Timestamp
    /// The payload: as written, or with the fields its author corrected.
    public internal(set) var payload: [String: JSONValue] {
        didSet { isWellFormed = Catalog.shapeProblem(type: type, caseID: caseID, payload: payload) == nil }
    }
    /// True when the event is a well-formed event of the catalog (only those change the state):
    /// checked once when the fact is made and again when a correction changes its payload, as
    /// every pass of the fold asks it.
    public private(set) var isWellFormed: Bool
    /// What the event said before its corrections (`occurred` and payload as signed); nil when
    /// no correction applies to it.
    public internal(set) var original: (occurred: Timestamp, payload: [String: JSONValue])?
    /// The corrections applied to it, in the order they applied.
    public internal(set) var correctedBy: [EventID] = []

    public init(seq: UInt64?, recorded: Timestamp, envelope e: Envelope) {
        self.seq = seq
        id = e.id
        type = e.type
        kind = EventType(name: e.type)
        caseID = e.caseID
        actor = e.actor
        occurred = e.occurred
        self.recorded = recorded
        payload = e.payload
        isWellFormed = Catalog.shapeProblem(type: e.type, caseID: e.caseID, payload: e.payload) == nil
    }

    public init(_ stored: StoredEvent) {
        self.init(seq: stored.seq, recorded: stored.recorded, envelope: stored.event.envelope)
    }

    /// A fact from an entry of this node's log, decoded without re-encoding it to check its form
    /// (append checked it; `verify` checks it again).
    public init(_ raw: RawEntry) throws {
        self.init(seq: raw.seq, recorded: raw.recorded, envelope: try SignedEvent(bytes: raw.bytes, checkCanonical: false).envelope)
    }

    public func string(_ field: String) -> String? { payload[field]?.stringValue }
    public func strings(_ field: String) -> [String] { payload[field]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    func date(_ field: String) -> Timestamp? { string(field).flatMap(Timestamp.init(parsing:)) }
    /// The date the act happened, `YYYY-MM-DD`.
    var day: String { occurred.date }
    /// Its catalog row, when the type is known.
    public var spec: EventSpec? { kind.map(Catalog.spec) }
    /// How the act reads in a sentence: "a request", "a consular visit" (its type's name when unknown).
    public var phrase: String { spec?.phrase(self) ?? type }
    /// True for a well-formed filing or case event (its case id names a case).
    public var isWellFormedCase: Bool { caseID != nil && isWellFormed }
}

/// The Network's dated facts, known from their date whatever the place of their record in the
/// fold: the Agreement is in force from the date the Vice-Ministers approved it (Art. 9), and a
/// State is a Party from the `effective` date of its decision (Art. 7.2), however late either was
/// recorded. The meetings the ledger knows (scheduled or held) are known from the start too, so
/// that a presentation can be judged against them whatever the order of recording.
///
/// Built by a first pass over the whole history (``note(_:)``) before the fold judges anything.
public struct Calendar: Sendable, Equatable {
    /// The date the Agreement entered into force (the earliest approval recorded), if any.
    public var inForce: Timestamp?
    /// Party membership changes by State: (effective date, is a Party from then on), by date.
    public var partyHistory: [String: [(effective: Timestamp, party: Bool)]] = [:]
    /// The ids of every meeting scheduled or held.
    public var meetings: Set<String> = []

    public init() {}

    /// The calendar of `facts`.
    public init(_ facts: some Sequence<Fact>) {
        for fact in facts { note(fact) }
    }

    /// Takes in one fact (any order). Malformed events are ignored, as the fold ignores them.
    public mutating func note(_ f: Fact) {
        guard let kind = f.kind, f.isWellFormed else { return }
        switch kind {
        case .enteredIntoForce:
            if let date = f.date("date") { inForce = min(inForce ?? date, date) }
        case .joinedAgreement, .leftAgreement:
            let change = (effective: f.date("effective") ?? f.occurred, party: kind == .joinedAgreement)
            var history = partyHistory[f.actor, default: []]
            let at = history.firstIndex { $0.effective > change.effective } ?? history.count
            history.insert(change, at: at)
            partyHistory[f.actor] = history
        case .meetingScheduled, .meetingHeld:
            if let id = f.string("meeting") { meetings.insert(id) }
        default:
            break
        }
    }

    public static func == (a: Calendar, b: Calendar) -> Bool {
        func flat(_ c: Calendar) -> [String: [String]] { c.partyHistory.mapValues { $0.map { "\($0.effective) \($0.party)" } } }
        return a.inForce == b.inForce && a.meetings == b.meetings && flat(a) == flat(b)
    }

    /// True when `state` is a Party at `date`: the last change effective at or before it says so.
    public func isParty(_ state: String, at date: Timestamp) -> Bool {
        (partyHistory[state] ?? []).last { $0.effective <= date }?.party ?? false
    }
}

/// The Network's facts as they stand at the fold's current instant (the fold runs in `occurred`
/// order, so "now" in the fold is "as of the act being judged").
public struct NetworkState: Sendable {
    /// The dated facts (entry into force, Parties, known meetings), from the whole history.
    public var calendar = Calendar()
    /// The date the Agreement entered into force, if recorded.
    public var inForce: Timestamp? { calendar.inForce }
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
    public func isParty(_ state: String, at date: Timestamp) -> Bool { calendar.isParty(state, at: date) }

    /// The Parties other than `requesting` with a declared mission in `country` (in `city`, when
    /// their declaration names cities there), as of `date`: Art. 5 ¶2's "several consular
    /// missions … of States Parties".
    public func partiesWithMission(in country: String, city: String?, at date: Timestamp, excluding requesting: String) -> [String] {
        func fold(_ s: String) -> String { s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        return offices.keys.sorted().filter { state in
            guard state != requesting, state != country, isParty(state, at: date), let cities = offices[state]?[country] else { return false }
            guard let city, !cities.isEmpty else { return true }
            return cities.contains { fold($0) == fold(city) }
        }
    }

    /// The meetings held, by date.
    public var heldMeetings: [Meeting] { meetings.values.filter(\.held).sorted { ($0.date, $0.id) < ($1.date, $1.id) } }

    /// The first meeting held (or, with `includeScheduled`, scheduled) strictly after `day`.
    public func firstMeeting(after day: String, includeScheduled: Bool = false) -> Meeting? {
        Deadlines.presentationMeeting(concludedOn: day, among: meetings.values, includeScheduled: includeScheduled)
    }
}

/// Where a case stands on the usual path (domain.md, "The case lifecycle").
public enum CaseStatus: String, Sendable, CaseIterable, Comparable {
    case filed, notified, circulated, offers
    case assistingSelected = "assisting_selected"
    case formallyRequested = "formally_requested"
    case scopeAgreed = "scope_agreed"
    case inProtection = "in_protection"
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
    /// When its latest act happened (so a view "as of" a later date needs no refold).
    public var lastActed: Timestamp?
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
    /// An empty world with no dated facts: use ``init(calendar:)`` before folding a history.
    public init() {}
    /// An empty world that knows the history's dated facts (``Calendar``).
    public init(calendar: Calendar) { network.calendar = calendar }
}
