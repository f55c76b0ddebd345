import Agreement
import Ledger

/// One case as the case-state projection keeps it: what the reports need, nothing personal.
///
/// One JSON encoding: ``json`` writes it (stored as RFC 8785 bytes in the projection) and
/// ``init(json:)`` reads it back; a test checks the round trip over every case of the scenario.
package struct CaseSummary: Equatable, Sendable {
    package var caseID: String
    package var requesting: String
    package var assisting: String?
    package var locationCountry: String?
    package var locationCity: String?
    package var category: String?
    package var status: String
    package var outcome: String?
    package var summary: String?
    /// Dates, YYYY-MM-DD.
    package var filed: String?
    package var scopeAgreed: String?
    package var concluded: String?
    package var withdrawn: String?
    /// The date of its latest act: as of that date or later, this summary is the case as it stood.
    package var lastActed: String?
    package var actions: Int
    package var costs: [Money]
    package var claims: [Claim]
    package var presentations: [Presentation]
    package var sex: String?
    package var ageGroup: String?
    package var protectionRequired: String?
    /// The action kinds the assisting State agreed to by verbal notes (Art. 5 ¶1), in the
    /// catalog's order: the protection required, as the ledger holds it.
    package var scope: [String] = []
    /// The action kinds the assisting State recorded, each once, in the order first recorded:
    /// the protection provided, as the ledger holds it.
    package var actionKinds: [String] = []

    package struct Money: Equatable, Sendable {
        package var payer: String
        /// Integer minor units (cents): `"350.00"` is 35000.
        package var amount: Int
        package var currency: String
    }

    package struct Claim: Equatable, Sendable {
        package var claimant: String
        package var from: String
        package var amount: Int
        package var currency: String
        package var claimed: String
        package var settled: String?
    }

    package struct Presentation: Equatable, Sendable {
        package var meeting: String
        package var nature: String
        package var required: String
        package var provided: String
        package var providedBy: String
        package var lessons: String
    }

    /// The summary of a folded case.
    package init(_ s: CaseState) {
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
        if let assisting = s.assisting {
            let agreed = s.scope[assisting] ?? []
            scope = Codes.actionKinds.filter(agreed.contains) + agreed.subtracting(Codes.actionKinds).sorted()
            var seen: Set<String> = []
            actionKinds = s.actions.filter { $0.state == assisting }.map(\.kind).filter { seen.insert($0).inserted }
        }
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

    package var json: JSONValue {
        func o(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        var m: [String: JSONValue] = [
            "case": .string(caseID), "requesting": .string(requesting), "status": .string(status),
            "actions": .number(Double(actions)), "scope": .array(scope.map(JSONValue.string)),
            "action_kinds": .array(actionKinds.map(JSONValue.string)),
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

    /// Reads a stored summary back; every field ``json`` writes must be there (null where absent).
    package init(json v: JSONValue) throws {
        let o = try StoredObject(v, "case summary")
        caseID = try o.string("case")
        requesting = try o.string("requesting")
        status = try o.string("status")
        assisting = try o.optionalString("assisting")
        locationCountry = try o.optionalString("location_country")
        locationCity = try o.optionalString("location_city")
        category = try o.optionalString("category")
        outcome = try o.optionalString("outcome")
        summary = try o.optionalString("summary")
        filed = try o.optionalString("filed")
        scopeAgreed = try o.optionalString("scope_agreed")
        concluded = try o.optionalString("concluded")
        withdrawn = try o.optionalString("withdrawn")
        lastActed = try o.optionalString("last_acted")
        sex = try o.optionalString("sex")
        ageGroup = try o.optionalString("age_group")
        protectionRequired = try o.optionalString("protection_required")
        actions = try o.int("actions")
        // Absent from a summary an earlier amparo stored: none known until `amparo rebuild`.
        scope = try o.has("scope") ? o.strings("scope") : []
        actionKinds = try o.has("action_kinds") ? o.strings("action_kinds") : []
        costs = try o.objects("costs").map { try Money(payer: $0.string("payer"), amount: $0.int("amount"), currency: $0.string("currency")) }
        claims = try o.objects("claims").map {
            try Claim(
                claimant: $0.string("claimant"), from: $0.string("from"), amount: $0.int("amount"), currency: $0.string("currency"),
                claimed: $0.string("claimed"), settled: $0.optionalString("settled"))
        }
        presentations = try o.objects("presentations").map {
            try Presentation(
                meeting: $0.string("meeting"), nature: $0.string("nature"), required: $0.string("required"), provided: $0.string("provided"),
                providedBy: $0.string("provided_by"), lessons: $0.string("lessons"))
        }
    }

    /// Days between two YYYY-MM-DD dates.
    static func days(_ from: String?, _ to: String?) -> Int? {
        guard let from, let to, let a = Timestamp(parsing: from), let b = Timestamp(parsing: to) else { return nil }
        return Int((b.seconds - a.seconds) / 86400)
    }
}
