import Foundation
import Ledger
import TestSupport
import Testing

@testable import Federation

/// Issue 24: every rule of time is defined once (Agreement's `Deadlines`), so the console's
/// dashboard, its JSON API and the CLI cannot disagree about a date.
@Suite("One rule of time for every reader", .serialized)
struct DeadlineTests {
    @Test(
        "a reimbursement claimed on 2015-03-01 and unsettled is overdue, or not, identically in the dashboard, /api/workload and `amparo workload`, on 2016-02-28, 02-29, 03-01 and 03-02"
    )
    func reimbursementAcrossLeapDay() async throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n, occurred: "2015-02-01")
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-02-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select", "--case", "MX-2015-0001", "--occurred", "2015-02-03", "--state", "US"])
        try n.act(
            "US",
            [
                "case", "claim", "--case", "MX-2015-0001", "--occurred", "2015-03-01T12:00:00Z", "--from", "MX", "--amount", "10.00",
                "--currency", "USD", "--purpose", "x",
            ])
        let (servers, url, _) = try FederationTests.serving(n)
        defer { servers.stop() }
        for (day, overdue) in [("2016-02-28", false), ("2016-02-29", false), ("2016-03-01", false), ("2016-03-02", true)] {
            let cli = try n.run(["workload", "--to", day, "--format", "json"])
            #expect(cli.status == 0, "\(cli.stderr)")
            let api = String(decoding: try await Sync.get(url + "/api/workload?to=\(day)", timeout: 20), as: UTF8.self)
            for (reader, text) in [("amparo workload", cli.stdout), ("/api/workload", api)] {
                let us = try JSONParser.parse(text)["states"]?.arrayValue?.first { $0["state"]?.stringValue == "US" }
                #expect(us?["overdue_claims"]?.integerValue == (overdue ? 1 : 0), "\(reader) on \(day): \(text)")
            }
            let page = String(decoding: try await Sync.get(url + "/?to=\(day)&lang=en", timeout: 20), as: UTF8.self)
            let line = try #require(page.split(separator: "\n").first { $0.contains("with a reimbursement unsettled 12 months after its claim") })
            #expect(line.contains("<strong>\(overdue ? 1 : 0)</strong>"), "dashboard on \(day): \(line)")
            #expect(line.contains("MX-2015-0001") == overdue, "dashboard on \(day): \(line)")
        }
        // A date that is not one is refused, as for /cases.
        await #expect(throws: (any Error).self) { _ = try await Sync.get(url + "/?to=2016-02-30", timeout: 20) }
    }
}
