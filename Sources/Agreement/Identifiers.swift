import Foundation
import Ledger

/// A case id: `<requesting State>-<year filed>-<4-digit serial>`, e.g. `HN-2015-0007`.
package struct CaseID: Hashable, Sendable {
    /// The case id `text` was likely meant to be, when it is not one as typed: `MX-2026-0001`
    /// for `mx-2026-0001` or ` MX-2026-0001 ` (ids are upper case, without spaces).
    package static func meant(_ text: String) -> String? {
        let fixed = text.trimmingCharacters(in: .whitespaces).uppercased()
        return CaseID(text) == nil && CaseID(fixed) != nil ? fixed : nil
    }

    /// ` (case ids are upper case: did you mean MX-2026-0001?)`, or "" when nothing is meant.
    package static func didYouMean(_ text: String) -> String {
        meant(text).map { " (case ids are upper case, without spaces: did you mean \($0)?)" } ?? ""
    }

    package let state: String
    package let year: Int
    package let serial: Int
    package init?(_ text: String) {
        // The usual form `MX-2015-0001`, read from its bytes (every case event is checked).
        let b = Array(text.utf8)
        if b.count == 12, b[2] == 0x2D, b[7] == 0x2D, (0x41...0x5A).contains(b[0]), (0x41...0x5A).contains(b[1]),
            b[3...6].allSatisfy({ (0x30...0x39).contains($0) }), b[8...11].allSatisfy({ (0x30...0x39).contains($0) })
        {
            let serial = b[8...11].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard serial > 0 else { return nil }
            state = String(decoding: b[0...1], as: UTF8.self)
            year = b[3...6].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            self.serial = serial
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[0].allSatisfy({ $0.isUppercase && $0.isASCII }),
            parts[1].count == 4, let year = Int(parts[1]), parts[2].count == 4, let serial = Int(parts[2]), serial > 0
        else { return nil }
        state = String(parts[0])
        self.year = year
        self.serial = serial
    }
}

/// Meeting ids: `<date>-<host city slug>`.
package enum MeetingID {
    package static func isValid(_ text: String) -> Bool {
        text.count > 11 && Timestamp(parsing: String(text.prefix(10))) != nil && text.dropFirst(10).first == "-"
            && text.dropFirst(11).allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
    }

    /// The day a meeting is held: the date its id begins with (a well-formed meeting act's date
    /// is its id's, `Catalog.shapeProblem`).
    package static func day(_ id: String) -> String { String(id.prefix(10)) }

    /// `2015-11-09-mexico-city` from a date and a city name.
    package static func make(date: String, city: String) -> String {
        let folded = city.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        let slug = folded.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        return date + "-" + slug
    }
}

/// A migrant's pseudonym: `p-` and 6 to 32 lower-case hex digits, random (never derived from a
/// name or a birth date, which could be guessed back).
package enum Pseudonym {
    package static func isValid(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst(2)
        return text.hasPrefix("p-") && (6...32).contains(digits.count)
            && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A fresh pseudonym: 12 random hex digits (48 bits) from the system's generator.
    package static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return "p-" + (0..<12).map { _ in String(rng.next() % 16, radix: 16) }.joined()
    }
}
