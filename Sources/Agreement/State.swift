import Foundation
import Ledger

/// An event as the fold sees it: the envelope, where this node holds it, and when it recorded it.
package struct Fact: Sendable {
    /// Sequence in this node's log; nil for a draft not yet appended.
    package let seq: UInt64?
    package let id: EventID
    /// The `type` the event carries, as written.
    package let type: String
    /// Its catalog type; nil for a name the catalog does not know (possible only in imported events).
    package let kind: EventType?
    package let caseID: String?
    package let actor: String
    /// When the act happened: as written, or as its author corrected it (``Corrections``).
    package internal(set) var occurred: Timestamp
    package let recorded: Timestamp
    /// The payload: as written, or with the fields its author corrected.
    package internal(set) var payload: [String: JSONValue] {
        didSet {
            fields = Payload(payload, spec)
            isWellFormed = Catalog.shapeProblem(type: type, caseID: caseID, payload: payload) == nil
        }
    }
    /// The payload decoded once by its catalog row (typed values, read with ``subscript(_:)``).
    private var fields: Payload
    /// True when the event is a well-formed event of the catalog (only those change the state):
    /// checked once when the fact is made and again when a correction changes its payload, as
    /// every pass of the fold asks it.
    package private(set) var isWellFormed: Bool
    /// What the event said before its corrections (`occurred` and payload as signed); nil when
    /// no correction applies to it.
    package internal(set) var original: (occurred: Timestamp, payload: [String: JSONValue])?
    /// The corrections applied to it, in the order they applied.
    package internal(set) var correctedBy: [EventID] = []

    /// `shapeChecked`: the write path checked the act's shape as a draft (sealing its free text
    /// keeps it), so that it is not checked again.
    package init(seq: UInt64?, recorded: Timestamp, envelope e: Envelope, shapeChecked: Bool = false) {
        self.seq = seq
        id = e.id
        type = e.type
        kind = EventType(name: e.type)
        caseID = e.caseID
        actor = e.actor
        occurred = e.occurred
        self.recorded = recorded
        payload = e.payload
        fields = Payload(e.payload, kind.map(Catalog.spec))
        isWellFormed = shapeChecked || Catalog.shapeProblem(type: e.type, caseID: e.caseID, payload: e.payload) == nil
    }

    package init(_ stored: StoredEvent) {
        self.init(seq: stored.seq, recorded: stored.recorded, envelope: stored.event.envelope)
    }

    /// A fact from an entry of this node's log, decoded without re-encoding it to check its form
    /// (append checked it; `verify` checks it again).
    package init(_ raw: RawEntry) throws {
        self.init(seq: raw.seq, recorded: raw.recorded, envelope: try SignedEvent(bytes: raw.bytes, checkCanonical: false).envelope)
    }

    /// The value of payload `field`, as decoded once; nil when the act does not hold it (or holds
    /// something that is not a value of its kind at all: a malformed act from another node).
    package subscript<V>(_ field: Field<V>) -> V? { fields[field] }
    /// The date the act happened, `YYYY-MM-DD`.
    var day: String { occurred.date }
    /// Its catalog row, when the type is known.
    package var spec: EventSpec? { kind.map(Catalog.spec) }
    /// How the act reads in a sentence: "a request", "a consular visit" (its type's name when unknown).
    package var phrase: String { spec?.phrase(self) ?? type }
    /// True for a well-formed filing or case event (its case id names a case).
    package var isWellFormedCase: Bool { caseID != nil && isWellFormed }
}

/// The Network's dated facts, known from their date whatever the place of their record in the
/// fold: the Agreement is in force from the date the Vice-Ministers approved it (Art. 9), and a
/// State is a Party from the `effective` date of its decision (Art. 7.2), however late either was
/// recorded. The meetings the ledger knows (scheduled or held) are known from the start too, so
/// that a presentation can be judged against them whatever the order of recording.
///
/// Built by a first pass over the whole history (``note(_:)``) before the fold judges anything.
package struct Calendar: Sendable, Equatable {
    /// The date the Agreement entered into force (the earliest approval recorded), if any.
    package var inForce: Timestamp?
    /// Party membership changes by State: (effective date, is a Party from then on), by date.
    package var partyHistory: [String: [(effective: Timestamp, party: Bool)]] = [:]
    /// The ids of every meeting scheduled or held.
    package var meetings: Set<String> = []
    /// The reimbursement terms the Network set (Art. 8 sets none).
    package var reimbursementTerms = ReimbursementTerms()

    package init() {}

    /// The calendar of `facts`.
    package init(_ facts: some Sequence<Fact>) {
        for fact in facts { note(fact) }
    }

    /// Takes in one fact (any order). Malformed events are ignored, as the fold ignores them.
    package mutating func note(_ f: Fact) {
        guard let kind = f.kind, f.isWellFormed else { return }
        switch kind {
        case .enteredIntoForce:
            if let date = f[.date] { inForce = min(inForce ?? date, date) }
        case .joinedAgreement, .leftAgreement:
            let change = (effective: f[.effective] ?? f.occurred, party: kind == .joinedAgreement)
            var history = partyHistory[f.actor, default: []]
            let at = history.firstIndex { $0.effective > change.effective } ?? history.count
            history.insert(change, at: at)
            partyHistory[f.actor] = history
        case .meetingScheduled, .meetingHeld:
            if let id = f[.meeting] { meetings.insert(id) }
        case .reimbursementTermSet:
            // The Network's term is the Secretariat's to record: one a State signed (recorded
            // despite AUTHORITY, or imported) changes no claim's deadline.
            guard f.actor == Codes.secretariat, let months = f[.months], let source = f[.source] else { return }
            let effective = (f[.effective] ?? f.occurred).date
            reimbursementTerms.note(ReimbursementTerm(months: months, source: source, effective: effective, seq: f.seq))
        default:
            break
        }
    }

    package static func == (a: Calendar, b: Calendar) -> Bool {
        func flat(_ c: Calendar) -> [String: [String]] { c.partyHistory.mapValues { $0.map { "\($0.effective) \($0.party)" } } }
        return a.inForce == b.inForce && a.meetings == b.meetings && flat(a) == flat(b) && a.reimbursementTerms == b.reimbursementTerms
    }

    /// True when `state` is a Party at `date`: the last change effective at or before it says so.
    package func isParty(_ state: String, at date: Timestamp) -> Bool {
        (partyHistory[state] ?? []).last { $0.effective <= date }?.party ?? false
    }
}

/// The Network's facts as they stand at the fold's current instant (the fold runs in `occurred`
/// order, so "now" in the fold is "as of the act being judged").
package struct NetworkState: Sendable {
    /// The dated facts (entry into force, Parties, known meetings), from the whole history.
    package var calendar = Calendar()
    /// The date the Agreement entered into force, if recorded.
    package var inForce: Timestamp? { calendar.inForce }
    /// Each State's declared consular network (country → cities), as last declared.
    package var offices: [String: [String: [String]]] = [:]
    /// Designated focal points by State.
    package var focalPoints: [String: FocalPoint] = [:]
    /// Meetings by id.
    package var meetings: [String: Meeting] = [:]

    package struct FocalPoint: Sendable, Hashable {
        package let office, email, telephone: String
        package let since: Timestamp
    }

    package struct Meeting: Sendable, Hashable {
        package let id: String
        package var date: String
        package var city: String?
        package var country: String?
        package var held: Bool = false
        package var participants: [String] = []
        package var observers: [String] = []
        package var scheduledSeq: UInt64?
        package var heldSeq: UInt64?

        package init(id: String, date: String) {
            self.id = id
            self.date = date
        }
    }

    /// True when `state` is a Party on `date` (joined on or before it, and not left since).
    package func isParty(_ state: String, at date: Timestamp) -> Bool { calendar.isParty(state, at: date) }

    /// The Parties other than `requesting` with a declared mission in `country` (in `city`, when
    /// their declaration names cities there), as of `date`: Art. 5 ¶2's "several consular
    /// missions … of States Parties".
    package func partiesWithMission(in country: String, city: String?, at date: Timestamp, excluding requesting: String) -> [String] {
        func fold(_ s: String) -> String { s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        return offices.keys.sorted().filter { state in
            guard state != requesting, state != country, isParty(state, at: date), let cities = offices[state]?[country] else { return false }
            guard let city, !cities.isEmpty else { return true }
            return cities.contains { fold($0) == fold(city) }
        }
    }

    /// The meetings held, by date.
    package var heldMeetings: [Meeting] { meetings.values.filter(\.held).sorted { ($0.date, $0.id) < ($1.date, $1.id) } }

    /// The first meeting held (or, with `includeScheduled`, scheduled) strictly after `day`.
    package func firstMeeting(after day: String, includeScheduled: Bool = false) -> Meeting? {
        Deadlines.presentationMeeting(concludedOn: day, among: meetings.values, includeScheduled: includeScheduled)
    }
}

/// Where a case stands on the usual path (domain.md, "The case lifecycle").
package enum CaseStatus: String, Sendable, CaseIterable, Comparable {
    case filed, notified, circulated, offers
    case assistingSelected = "assisting_selected"
    case formallyRequested = "formally_requested"
    case scopeAgreed = "scope_agreed"
    case inProtection = "in_protection"
    case concluded, presented, withdrawn

    var rank: Int { CaseStatus.allCases.firstIndex(of: self)! }
    package static func < (a: CaseStatus, b: CaseStatus) -> Bool { a.rank < b.rank }
    package var isOpen: Bool { self < .concluded }
}

/// One case as the fold has seen it so far.
package struct CaseState: Sendable {
    package let id: String
    /// The State of nationality (the case id's prefix).
    package let requesting: String
    package var filed: Timestamp?
    package var filedEvent: EventID?
    package var subject: String?
    package var locationCountry: String?
    package var locationCity: String?
    package var category: String?
    package var perpetrator: String?
    package var channel: String?
    package var protectionRequired: String?
    package var indicators: [String: JSONValue] = [:]
    package var notified: Timestamp?
    package var circulated: Timestamp?
    package var offers: [String: Timestamp] = [:]
    package var declines: [String: Timestamp] = [:]
    package var selected: String?
    package var selectedAt: Timestamp?
    package var formalRequests: [String: Timestamp] = [:]
    /// Agreed scope by assisting State.
    package var scope: [String: Set<String>] = [:]
    package var scopeAgreedAt: Timestamp?
    package var actions: [(state: String, kind: String, at: Timestamp)] = []
    package var costs: [(payer: String, amount: String, currency: String, at: Timestamp)] = []
    package var claims: [EventID: Claim] = [:]
    package var concluded: Timestamp?
    /// When its latest act happened (so a view "as of" a later date needs no refold).
    package var lastActed: Timestamp?
    package var concludedEvent: EventID?
    package var concludedSeq: UInt64?
    package var outcome: String?
    package var summary: String?
    package var withdrawn: Timestamp?
    package var presentations: [(meeting: String, at: Timestamp, provided: String, providedBy: String, nature: String, required: String, lessons: String)] = []
    package var erased: Timestamp?
    /// Who wrote each event of the case (for corrections).
    package var authors: [EventID: String] = [:]
    package var status: CaseStatus = .filed

    package struct Claim: Sendable {
        package let from: String
        package let claimant: String
        package let amount: String
        package let currency: String
        package let at: Timestamp
        package var settled: Timestamp?
    }

    init(id: String) {
        self.id = id
        requesting = CaseID(id)?.state ?? String(id.prefix(2))
    }

    /// The assisting State: the one selected, else the one that agreed scope.
    package var assisting: String? { selected ?? scope.keys.sorted().first }
    package var isClosed: Bool { concluded != nil || withdrawn != nil }

    mutating func advance(to s: CaseStatus) {
        if s > status { status = s }
    }
}

/// Everything the fold knows: the Network and every case.
package struct World: Sendable {
    package var network = NetworkState()
    package var cases: [String: CaseState] = [:]
    /// An empty world with no dated facts: use ``init(calendar:)`` before folding a history.
    package init() {}
    /// An empty world that knows the history's dated facts (``Calendar``).
    package init(calendar: Calendar) { network.calendar = calendar }
}
