import Foundation
import Synchronization

/// The languages people read Amparo in. The RCM works in Spanish and English; every user-visible
/// sentence of the console, the reports and the case views has a key in both catalogs
/// (`Catalog+en.swift`, `Catalog+es.swift`), and a test fails when either lacks one.
package enum Language: String, CaseIterable, Sendable {
    case en, es

    /// The language of a POSIX locale (`es_MX.UTF-8` → es): LC_ALL, else LC_MESSAGES, else LANG,
    /// the first one set and not empty; English when none names Spanish.
    package static func fromEnvironment(_ environment: [String: String]) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                return value.lowercased().hasPrefix("es") ? .es : .en
            }
        }
        return .en
    }

    /// The first of `es` and `en` an HTTP `Accept-Language` header prefers (by q-value, then by
    /// order); nil when it names neither. At most 32 ranges are read.
    package static func fromAcceptLanguage(_ header: String) -> Language? {
        var best: (q: Double, order: Int, language: Language)?
        for (order, part) in header.split(separator: ",").prefix(32).enumerated() {
            let fields = part.split(separator: ";")
            guard let tag = fields.first?.trimmingSpaces.lowercased() else { continue }
            let base = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: base) else { continue }
            var q = 1.0
            for field in fields.dropFirst() {
                let kv = field.trimmingSpaces
                if kv.hasPrefix("q="), let v = Double(kv.dropFirst(2)), v >= 0, v <= 1 { q = v }
            }
            guard q > 0 else { continue }
            if best == nil || q > best!.q { best = (q, order, language) }
        }
        return best?.language
    }
}

extension Substring {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}

/// Looks sentences up in one language's catalog: `t("nav.cases")`, `t("cases.count", ["n": "3"])`.
/// A `{name}` in the sentence is replaced by the argument of that name. A key missing from the
/// catalog reads `⟦key⟧` (the tests look for that mark), never crashes.
package struct Localizer: Sendable {
    package let language: Language
    /// Published prose (a meeting report, the console's pages): a date inside a sentence is
    /// written out ("5 November 2016", "5 de noviembre de 2016"), not ISO. Tables, the command
    /// line's sentences and machine formats keep ISO 8601.
    package let prose: Bool
    let catalog: [String: String]

    package init(_ language: Language, prose: Bool = false) {
        self.language = language
        self.prose = prose
        catalog = Catalogs.table(language)
    }

    /// A sentence's argument as published prose writes it: a date `YYYY-MM-DD` written out, a
    /// time `YYYY-MM-DDTHH:MM:SSZ` as its date and its UTC time; any other text as it is (and
    /// everything as it is outside ``prose``).
    package func proseValue(_ text: String) -> String {
        guard prose, text.utf8.count == 10 || text.utf8.count == 20 else { return text }
        let b = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Bool { b[r].allSatisfy { (0x30...0x39).contains($0) } }
        guard digits(0..<4), b[4] == 0x2D, digits(5..<7), b[7] == 0x2D, digits(8..<10) else { return text }
        let date = longDate(String(text.prefix(10)))
        if b.count == 10 { return date }
        guard b[10] == 0x54, digits(11..<13), b[13] == 0x3A, digits(14..<16), b[16] == 0x3A, digits(17..<19), b[19] == 0x5A else { return text }
        let seconds = text.dropFirst(17).prefix(2)
        let time = String(text.dropFirst(11).prefix(seconds == "00" ? 5 : 8))
        return self("prose.date_time", ["date": date, "time": time])
    }

    package func callAsFunction(_ key: String, _ arguments: [String: String] = [:]) -> String {
        guard let text = catalog[key] else { return "⟦\(key)⟧" }
        return arguments.isEmpty ? text : Localizer.fill(text, arguments)
    }

    /// `text` with each `{name}` replaced by the argument of that name, in one pass: an argument's
    /// value is never read for names itself; a `{name}` without an argument stays as written.
    static func fill(_ text: String, _ arguments: [String: String]) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(UInt8(ascii: "{")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 64)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "{"), let close = utf8[(i + 1)...].firstIndex(of: UInt8(ascii: "}")),
                let value = arguments[String(decoding: utf8[(i + 1)..<close], as: UTF8.self)]
            {
                out += value.utf8
                i = close + 1
            } else {
                out.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The label of a free-text field by its payload path: `summary` → "summary" / "resumen";
    /// `fields.summary` (a correction's) → "summary (as corrected)"; the path itself for a field the
    /// catalog does not name.
    package func field(_ path: String) -> String {
        if path.hasPrefix("fields.") {
            return self("field.corrected", ["field": field(String(path.dropFirst("fields.".count)))])
        }
        return catalog["field." + path] ?? path
    }

    /// True when the catalog has `key`.
    package func has(_ key: String) -> Bool { catalog[key] != nil }

    /// "1 case" / "3 cases": the key's `.one` or `.other` form with `{n}` filled.
    package func count(_ n: some BinaryInteger, _ key: String) -> String {
        self(key + (n == 1 ? ".one" : ".other"), ["n": String(n)])
    }

    /// The name of a country the catalog does not name (it names the Member States as the Network
    /// writes them), in Spanish as the Unicode CLDR writes it ("Italia", "Japón", "Corea del
    /// Sur"), from the toolchain's own ICU data, so the same on every machine; nil in English,
    /// whose names come from the country table, and for a code that names no country.
    package func regionName(_ code: String) -> String? {
        guard language == .es, code.utf8.count == 2, code.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else { return nil }
        return Localizer.spanishRegions.withLock { cache in
            if let known = cache[code] { return known }
            let name = Locale(identifier: "es").localizedString(forRegionCode: code).flatMap { $0 == code ? nil : $0 }
            cache[code] = .some(name)
            return name
        }
    }

    private static let spanishRegions = Mutex<[String: String?]>([:])

    /// An organisation's acronym in this language (the catalog's `org.CODE`: IOM is OIM in
    /// Spanish), else the code as recorded. The codes are matched without regard to case and to
    /// either language's acronym, so an observer recorded as "OIM" reads "IOM" in English.
    package func organisation(_ code: String) -> String {
        let key = Catalogs.organisationCode(code) ?? code
        return catalog["org." + key] ?? code
    }

    /// "14 de noviembre de 2015" / "14 November 2015" from YYYY-MM-DD; the text as given when it
    /// is not such a date.
    package func longDate(_ ymd: String) -> String {
        let parts = ymd.split(separator: "-")
        guard parts.count == 3, let m = Int(parts[1]), (1...12).contains(m), let d = Int(parts[2]) else { return ymd }
        let month = self("month.\(m)")
        switch language {
        case .en: return "\(d) \(month) \(parts[0])"
        case .es: return "\(d) de \(month) de \(parts[0])"
        }
    }
}

/// The catalogs: one per language, each a list of (key, sentence).
package enum Catalogs {
    /// Every key of `language`'s catalog, in catalog order (duplicates included, for the test).
    package static func keys(_ language: Language) -> [String] { entries(language).map(\.0) }

    static func entries(_ language: Language) -> [(String, String)] {
        switch language {
        case .en: english
        case .es: spanish
        }
    }

    /// The catalog code of an organisation named by either language's acronym (`OIM`, `iom`).
    static func organisationCode(_ name: String) -> String? {
        organisationCodes[name.uppercased()]
    }

    private static let organisationCodes: [String: String] = {
        var codes: [String: String] = [:]
        for (key, value) in english + spanish where key.hasPrefix("org.") {
            let code = String(key.dropFirst(4))
            codes[code.uppercased()] = code
            if !value.contains(" ") { codes[value.uppercased()] = code }
        }
        return codes
    }()

    static func table(_ language: Language) -> [String: String] {
        Dictionary(entries(language), uniquingKeysWith: { first, _ in first })
    }
}
