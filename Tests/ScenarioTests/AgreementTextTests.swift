import Agreement
import Foundation
import TestSupport
import Testing

/// The Agreement layer in the Agreement's own words, and in one place.
@Suite("The Agreement's words and the one catalog")
struct AgreementTextTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Runs of white space as one space, quotes and dashes as typed.
    static func normalised(_ s: String) -> String {
        s.replacingOccurrences(of: "[bookmark: _GoBack]", with: "")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("every quotation of an Article is the draft Agreement's text, word for word (elisions marked …)")
    func quotations() throws {
        let text = Self.normalised(String(decoding: try #require(TestSupport.contents(Self.root + "/Fixtures/agreement/draft-agreement.txt")), as: UTF8.self))
        var checked = 0
        for rule in Rules.catalog {
            #expect(!rule.words.isEmpty, "\(rule.id) quotes nothing")
            for q in rule.words where q.source.hasPrefix("Art.") {
                for fragment in q.text.components(separatedBy: "…") where !fragment.trimmingCharacters(in: .whitespaces).isEmpty {
                    #expect(text.contains(Self.normalised(fragment)), "\(rule.id): \(q.source) \"\(fragment)\" is not in the Agreement's text")
                    checked += 1
                }
            }
            if let article = rule.article {
                // Every Article the rule cites is quoted.
                for cited in article.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    #expect(rule.words.contains { $0.source.hasPrefix("Art. \(cited)") }, "\(rule.id) cites Art. \(cited) but does not quote it")
                }
            }
        }
        #expect(checked >= 18)
    }

    @Test("the force of each rule is the modal verb of the words it quotes")
    func force() {
        for rule in Rules.catalog {
            let words = rule.words.filter { $0.source.hasPrefix("Art.") }.map(\.text).joined(separator: " ")
            switch rule.force {
            case .integrity: #expect(rule.article == nil, "\(rule.id)")
            case .shall: #expect(words.contains("shall"), "\(rule.id)")
            // ART4-PRESENCE's Articles name who can collaborate without a modal verb, and the
            // rule keeps the force of providing protection, Art. 4's "should" (its interpretation says so).
            case .should: #expect(words.contains("should") || rule.id == .presence, "\(rule.id)")
            case .mayNot: #expect(words.contains("may not"), "\(rule.id)")
            }
            if rule.force != .integrity { #expect(rule.article != nil, "\(rule.id)") }
        }
    }

    @Test("no event type name is written outside the catalog: no switch or comparison on type strings elsewhere")
    func noTypeStrings() throws {
        let names = EventType.allCases.map(\.name)
        // The catalog's rows and the types code singles out; the storage layer's own types: the
        // key events it checks, the erasures it acts on.
        let allowed: Set<String> = [
            "Sources/Agreement/Catalog.swift", "Sources/Agreement/EventType.swift", "Sources/Ledger/Keys/KeyRegistry.swift",
            "Sources/Ledger/Words/Words.swift",
        ]
        let sources = Self.root + "/Sources"
        let files = try #require(FileManager.default.subpathsOfDirectory(atPath: sources).filter { $0.hasSuffix(".swift") })
        #expect(files.count > 40)
        var offenders: [String] = []
        for file in files where !allowed.contains("Sources/" + file) {
            let text = String(decoding: try #require(TestSupport.contents(sources + "/" + file)), as: UTF8.self)
            for name in names where text.contains("\"\(name)\"") { offenders.append("Sources/\(file): \"\(name)\"") }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
