import Agreement
import Foundation
import Ledger
import Scenario
import TestSupport
import Testing

@Suite("docs/events.md and docs/rules.md stay true")
struct DocsTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs").path

    @Test("docs/events.md is what `amparo catalog` prints (regenerate it with `amparo catalog > docs/events.md`)")
    func eventsPageIsGenerated() throws {
        let page = String(decoding: try #require(TestSupport.contents(DocsTests.docs + "/events.md")), as: UTF8.self)
        #expect(page == (try CatalogDoc.markdown()))
    }

    @Test("docs/rules.md is what `amparo catalog rules` prints")
    func rulesPageIsGenerated() throws {
        let page = String(decoding: try #require(TestSupport.contents(DocsTests.docs + "/rules.md")), as: UTF8.self)
        #expect(page == RulesDoc.markdown())
        for rule in Rules.catalog { #expect(page.contains("`\(rule.id)`")) }
    }

    @Test("every example in docs/events.md is a well-formed draft of its type, and every type has one")
    func examplesParse() throws {
        let page = String(decoding: try #require(TestSupport.contents(DocsTests.docs + "/events.md")), as: UTF8.self)
        let blocks = page.components(separatedBy: "```json\n").dropFirst().map { String($0.prefix(while: { $0 != "`" })) }
        var types: Set<String> = []
        for block in blocks {
            let draft = try Draft(line: Array(block.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
            #expect(Catalog.shapeProblem(type: draft.type, caseID: draft.caseID, payload: draft.payload, draft: true) == nil, "\(draft.type)")
            types.insert(draft.type)
        }
        #expect(types == Set(Catalog.specs.map(\.name)))
    }
}
