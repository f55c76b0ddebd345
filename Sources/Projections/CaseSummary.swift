import Agreement
import Ledger

/// One case as the case-state projection keeps it: what the reports need, nothing personal.
///
/// One JSON encoding: ``json`` writes it (stored as RFC 8785 bytes in the projection) and
/// ``init(json:)`` reads it back; a test checks the round trip over every case of the scenario.
public struct CaseSummary: Equatable, Sendable {
    public var caseID: String
    public var requesting: String
    public var assisting: String?
    public var locationCountry: String?
    public var locationCity: String?
    public var category: String?
    public var status: String
    public var outcome: String?
    public var summary: String?
    /// Dates, YYYY-MM-DD.
    public var filed: String?
    public var scopeAgreed: String?
    public var concluded: String?
    public var withdrawn: String?
    /// The date of its latest act: as of that date or later, this summary is the case as it stood.
    public var lastActed: String?
    public var actions: Int
    public var costs: [Money]
    public var claims: [Claim]
    public var presentations: [Presentation]
    public var sex: String?
    public var ageGroup: String?
    public var protectionRequired: String?

    public struct Money: Equatable, Sendable {
        public var payer: String
        /// Integer minor units (cents): `"350.00"` is 35000.
        public var amount: Int
        public var currency: String
    }

    public struct Claim: Equatable, Sendable {
        public var claimant: String
        public var from: String
        public var amount: Int
        public var currency: String
        public var claimed: String
        public var settled: String?
    }

    public struct Presentation: Equatable, Sendable {
        public var meeting: String
        public var nature: String
        public var required: String
        public var provided: String
        public var providedBy: String
        public var lessons: String
    }

    /// The summary of a folded case.
    public init(_ s: CaseState) {
        caseID = s.id
        requesting = s.requesting
        assisting = s.assisting
        locationCountry = s.locationCountry
        locationCity = s.locationCity
        category = s.category
        status = s.status.rawValue
        outcome = s.outcome
        summary = s.summary
        filed = s.filed?.date
        scopeAgreed = s.scopeAgreedAt?.date
        concluded = s.concluded?.date
        withdrawn = s.withdrawn?.date
        lastActed = s.lastActed?.date
        actions = s.actions.count
        costs = s.costs.map { Money(payer: $0.payer, amount: CaseSummary.minorUnits($0.amount), currency: $0.currency) }
        claims = s.claims.values.sorted { ($0.at, $0.claimant) < ($1.at, $1.claimant) }.map {
            Claim(
                claimant: $0.claimant, from: $0.from, amount: CaseSummary.minorUnits($0.amount), currency: $0.currency,
                claimed: $0.at.date, settled: $0.settled?.date)
        }
        presentations = s.presentations.map {
            Presentation(
                meeting: $0.meeting, nature: $0.nature, required: $0.required, provided: $0.provided,
                providedBy: $0.providedBy, lessons: $0.lessons)
        }
        sex = s.indicators["sex"]?.stringValue
        ageGroup = s.indicators["age_group"]?.stringValue
        protectionRequired = s.protectionRequired
    }

    /// "350.00" → 35000; "12" → 1200.
    static func minorUnits(_ decimal: String) -> Int {
        let parts = decimal.split(separator: ".", maxSplits: 1)
        let whole = Int(parts.first ?? "0") ?? 0
        var cents = parts.count > 1 ? String(parts[1].prefix(2)) : "0"
        while cents.count < 2 { cents += "0" }
        return whole * 100 + (Int(cents) ?? 0)
    }

    // MARK: Fast path over canonical JSON

    public var json: JSONValue {
        func o(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        var m: [String: JSONValue] = [
            "case": .string(caseID), "requesting": .string(requesting), "status": .string(status),
            "actions": .number(Double(actions)),
            "costs": .array(costs.map { ["payer": .string($0.payer), "amount": .number(Double($0.amount)), "currency": .string($0.currency)] }),
            "claims": .array(
                claims.map {
                    [
                        "claimant": .string($0.claimant), "from": .string($0.from), "amount": .number(Double($0.amount)),
                        "currency": .string($0.currency), "claimed": .string($0.claimed), "settled": o($0.settled),
                    ]
                }),
            "presentations": .array(
                presentations.map {
                    [
                        "meeting": .string($0.meeting), "nature": .string($0.nature), "required": .string($0.required),
                        "provided": .string($0.provided), "provided_by": .string($0.providedBy), "lessons": .string($0.lessons),
                    ]
                }),
        ]
        for (k, v) in [
            ("assisting", assisting), ("location_country", locationCountry), ("location_city", locationCity),
            ("category", category), ("outcome", outcome), ("summary", summary), ("filed", filed),
            ("scope_agreed", scopeAgreed), ("concluded", concluded), ("withdrawn", withdrawn), ("last_acted", lastActed), ("sex", sex),
            ("age_group", ageGroup), ("protection_required", protectionRequired),
        ] {
            m[k] = o(v)
        }
        return .object(m)
    }

    public init(json v: JSONValue) throws {
        func s(_ k: String) throws -> String {
            guard let x = v[k]?.stringValue else { throw LedgerError(.corrupt, "case summary: \(k) missing") }
            return x
        }
        func o(_ k: String, _ from: JSONValue? = nil) -> String? { (from ?? v)[k]?.stringValue }
        func i(_ k: String, _ from: JSONValue) -> Int { Int(from[k]?.integerValue ?? 0) }
        caseID = try s("case")
        requesting = try s("requesting")
        status = try s("status")
        assisting = o("assisting")
        locationCountry = o("location_country")
        locationCity = o("location_city")
        category = o("category")
        outcome = o("outcome")
        summary = o("summary")
        filed = o("filed")
        scopeAgreed = o("scope_agreed")
        concluded = o("concluded")
        withdrawn = o("withdrawn")
        lastActed = o("last_acted")
        sex = o("sex")
        ageGroup = o("age_group")
        protectionRequired = o("protection_required")
        actions = Int(v["actions"]?.integerValue ?? 0)
        costs = (v["costs"]?.arrayValue ?? []).map { Money(payer: o("payer", $0) ?? "", amount: i("amount", $0), currency: o("currency", $0) ?? "") }
        claims = (v["claims"]?.arrayValue ?? []).map {
            Claim(
                claimant: o("claimant", $0) ?? "", from: o("from", $0) ?? "", amount: i("amount", $0), currency: o("currency", $0) ?? "",
                claimed: o("claimed", $0) ?? "", settled: o("settled", $0))
        }
        presentations = (v["presentations"]?.arrayValue ?? []).map {
            Presentation(
                meeting: o("meeting", $0) ?? "", nature: o("nature", $0) ?? "", required: o("required", $0) ?? "",
                provided: o("provided", $0) ?? "", providedBy: o("provided_by", $0) ?? "", lessons: o("lessons", $0) ?? "")
        }
    }

    /// Days between two YYYY-MM-DD dates.
    static func days(_ from: String?, _ to: String?) -> Int? {
        guard let from, let to, let a = Timestamp(parsing: from), let b = Timestamp(parsing: to) else { return nil }
        return Int((b.seconds - a.seconds) / 86400)
    }
}
