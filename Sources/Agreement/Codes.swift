import Foundation
import Ledger

/// The actors and vocabularies of the Agreement (shared/docs/domain.md, "Who acts").
package enum Codes {
    /// The RCM Member States (ISO 3166-1 alpha-2), in the order the domain lists them.
    package static let memberStates = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]
    package static let memberStateSet = Set(memberStates)
    /// The RCM Technical Secretariat, "the point of contact for procedures" (Art. 5). It is also
    /// the key authority: a ledger's trust anchor is the Secretariat's key, named with this code.
    package static let secretariat = "RCM-TS"
    /// The International Organization for Migration.
    package static let iom = "IOM"

    package static func isMemberState(_ code: String) -> Bool { memberStateSet.contains(code) }

    /// True for an assigned ISO 3166-1 alpha-2 code: the location of a migrant may be any country.
    package static func isCountry(_ code: String) -> Bool { CountryTable.names[code] != nil }

    /// "Mexico", "the United States", "the RCM Technical Secretariat", "IOM".
    package static func name(_ code: String) -> String {
        switch code {
        case secretariat: return "the RCM Technical Secretariat"
        case iom: return "IOM"
        default: return CountryTable.names[code] ?? code
        }
    }

    /// For tables and charts: "United States", "Dominican Republic".
    package static func label(_ code: String) -> String {
        let n = name(code)
        return n.hasPrefix("the ") ? String(n.dropFirst(4)) : n
    }

    /// Sentence-initial form: "The United States", "Mexico".
    package static func subject(_ code: String) -> String {
        let n = name(code)
        return n.hasPrefix("the ") ? "The " + n.dropFirst(4) : n
    }

    package static let categories = ["child_or_adolescent", "domestic_violence", "natural_disaster", "labour_exploitation", "other"]
    package static let perpetrators = ["civilian", "state_authority"]
    package static let channels = ["consular_directorate", "local_authorities"]
    package static let ageGroups = ["0-11", "12-17", "18-59", "60+"]
    package static let sexes = ["female", "male", "other", "unknown"]
    package static let actionKinds = [
        "consular_visit", "legal_orientation", "accompaniment", "shelter_referral", "documentation",
        "repatriation_support", "humanitarian_aid", "good_offices", "contact_local_authorities",
    ]
    package static let outcomes = ["protected", "referred", "declined_by_migrant", "mechanism_not_applicable", "no_collaborating_state"]

    /// Action kinds as a reader says them: "a consular visit".
    package static func actionPhrase(_ kind: String) -> String {
        switch kind {
        case "consular_visit": "a consular visit"
        case "legal_orientation": "legal orientation"
        case "accompaniment": "accompaniment"
        case "shelter_referral": "a shelter referral"
        case "documentation": "documentation"
        case "repatriation_support": "repatriation support"
        case "humanitarian_aid": "humanitarian aid"
        case "good_offices": "good offices"
        case "contact_local_authorities": "contact with local authorities"
        default: kind.replacingOccurrences(of: "_", with: " ")
        }
    }
}
