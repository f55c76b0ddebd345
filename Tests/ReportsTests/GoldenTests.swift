import Foundation
import TestSupport
import Testing

/// Reports over the committed scenario, compared byte for byte with Fixtures/golden.
/// Regenerate after an intended change with `tools/regenerate-golden`.
@Suite("Golden reports of the committed scenario", .serialized)
struct GoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/golden").path

    static let reports: [(file: String, args: [String])] = [
        ("meeting-2015-11-09-mexico-city.md", ["report", "meeting", "2015-11-09-mexico-city", "--format", "md"]),
        ("meeting-2015-11-09-mexico-city.html", ["report", "meeting", "2015-11-09-mexico-city", "--format", "html"]),
        ("meeting-2015-11-09-mexico-city.json", ["report", "meeting", "2015-11-09-mexico-city", "--format", "json"]),
        ("meeting-2016-05-16-guatemala-city.md", ["report", "meeting", "2016-05-16-guatemala-city", "--format", "md"]),
        ("workload.txt", ["workload"]),
        ("workload.md", ["workload", "--format", "md"]),
        ("workload.csv", ["workload", "--format", "csv"]),
        ("workload.json", ["workload", "--format", "json"]),
        ("workload-2015.txt", ["workload", "--from", "2015-01-01", "--to", "2015-12-31"]),
        ("cases.txt", ["cases"]),
        ("cases-open-MX.csv", ["cases", "--status", "in_protection", "--state", "MX", "--format", "csv"]),
        // Spanish (issue 26): read by a native reader when regenerated.
        ("es/meeting-2015-11-09-mexico-city.md", ["report", "meeting", "2015-11-09-mexico-city", "--format", "md", "--lang", "es"]),
        ("es/meeting-2015-11-09-mexico-city.html", ["report", "meeting", "2015-11-09-mexico-city", "--format", "html", "--lang", "es"]),
        ("es/meeting-2016-05-16-guatemala-city.md", ["report", "meeting", "2016-05-16-guatemala-city", "--format", "md", "--lang", "es"]),
        ("es/workload.txt", ["workload", "--lang", "es"]),
        ("es/workload.md", ["workload", "--format", "md", "--lang", "es"]),
        ("es/workload-2015.txt", ["workload", "--from", "2015-01-01", "--to", "2015-12-31", "--lang", "es"]),
        ("es/cases.txt", ["cases", "--lang", "es"]),
    ]

    @Test("every report is byte-identical to its golden file, and the same ledger gives the same bytes twice")
    func golden() throws {
        let dir = try TestSupport.temporaryDirectory("golden")
        #expect(try TestSupport.run(["demo", "--ledger", dir + "/demo"]).status == 0)
        for (file, args) in GoldenTests.reports {
            let first = try TestSupport.run(args + ["--ledger", dir + "/demo"])
            #expect(first.status == 0, "\(file): \(first.stderr)")
            let again = try TestSupport.run(args + ["--ledger", dir + "/demo"])
            #expect(first.stdout == again.stdout, "\(file) is not deterministic")
            let expected = String(decoding: TestSupport.contents(GoldenTests.golden + "/" + file) ?? [], as: UTF8.self)
            #expect(first.stdout == expected, "\(file) differs from Fixtures/golden/\(file); if intended, run tools/regenerate-golden")
        }
        // A rebuild does not change a byte of any report.
        #expect(try TestSupport.run(["rebuild", "--ledger", dir + "/demo", "--quiet"]).status == 0)
        let after = try TestSupport.run(GoldenTests.reports[0].args + ["--ledger", dir + "/demo"])
        #expect(after.stdout == String(decoding: TestSupport.contents(GoldenTests.golden + "/" + GoldenTests.reports[0].file) ?? [], as: UTF8.self))
    }

    @Test("report errors: an unknown meeting or a bad date is one line, exit 2")
    func errors() throws {
        let dir = try TestSupport.temporaryDirectory("golden")
        #expect(try TestSupport.run(["demo", "--ledger", dir + "/demo", "--cases", "3"]).status == 0)
        let unknown = try TestSupport.run(["report", "meeting", "2030-01-01-nowhere", "--ledger", dir + "/demo"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no meeting 2030-01-01-nowhere"))
        let badDate = try TestSupport.run(["workload", "--from", "yesterday", "--ledger", dir + "/demo"])
        #expect(badDate.status == 2)
        #expect(badDate.stderrLines.count == 1)
        let out = try TestSupport.run([
            "report", "meeting", "2015-11-09-mexico-city", "--out", dir + "/nodir/x.html", "--format", "html", "--ledger", dir + "/demo",
        ])
        #expect(out.status == 2)
        #expect(out.stderr.contains("could not create \(dir)/nodir/x.html: no such file or directory"), "\(out.stderr)")
    }
}
