import Agreement
import Foundation
import Ledger

/// Sentences for the scenario's payloads (no personal data: situations, not people).
enum ProtectionText {
    static func required(_ category: String) -> String {
        switch category {
        case "child_or_adolescent": "consular visit, family tracing and accompaniment for an unaccompanied adolescent"
        case "domestic_violence": "shelter referral and legal orientation for a victim of domestic violence"
        case "natural_disaster": "humanitarian aid and documentation after a hurricane"
        case "labour_exploitation": "legal orientation and contact with labour authorities about unpaid wages"
        default: "consular visit and documentation"
        }
    }

    static func nature(_ category: String, _ location: String) -> String {
        "\(category.replacingOccurrences(of: "_", with: " ")) in \(Codes.name(location))"
    }

    static func action(_ kind: String) -> String {
        "\(Codes.actionPhrase(kind).prefix(1).uppercased() + Codes.actionPhrase(kind).dropFirst()) provided by the consular office"
    }

    static func summary(_ outcome: String) -> String {
        switch outcome {
        case "protected": "the national was protected and returned safely"
        case "referred": "the case was referred to the competent local services"
        default: "the national declined further assistance"
        }
    }

    static func lesson(_ n: Int) -> String {
        [
            "focal points answered within a day", "verbal notes should state the scope in action kinds",
            "IOM funding arrived before the assisting State had to advance costs", "declared networks must be kept current",
            "early contact with the Secretariat shortened the case", "interpretation services were the main gap",
        ][n]
    }
}
