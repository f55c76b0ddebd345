import Foundation
import Ledger
import TestSupport
import Testing

@testable import Federation

/// Issue 24: every rule of time is defined once (Agreement's `Deadlines`), so the console's
/// dashboard, its JSON API and the CLI cannot disagree about a date.
@Suite("One rule of time for every reader", .serialized)
struct DeadlineTests {
    /// Case MX-2015-0001, filed 2015-02-01, assisted by the United States, which claims 10.00 USD
    /// from Mexico at noon on each of `days`; none settled.
    static func claims(on days: [String]) throws -> EventCommandTests.Node {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n, occurred: "2015-02-01")
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-02-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "select", "--case", "MX-2015-0001", "--occurred", "2015-02-03", "--state", "US"])
        for day in days {
            try n.act(
                "US",
                [
                    "case", "claim", "--case", "MX-2015-0001", "--occurred", day + "T12:00:00Z", "--from", "MX", "--amount", "10.00", "--currency", "USD",
                    "--purpose", "x",
                ])
        }
        return n
    }

    @Test(
        "a reimbursement claimed on 2015-03-01 and unsettled is overdue, or not, identically in the dashboard, /api/workload and `amparo workload`, on 2016-02-28, 02-29, 03-01 and 03-02"
    )
    func reimbursementAcrossLeapDay() async throws {
        let n = try Self.claims(on: ["2015-03-01"])
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
            let line = try #require(page.split(separator: "\n").first { $0.contains("with a reimbursement unsettled after the day it fell due") })
            #expect(line.contains("<strong>\(overdue ? 1 : 0)</strong>"), "dashboard on \(day): \(line)")
            #expect(line.contains("MX-2015-0001") == overdue, "dashboard on \(day): \(line)")
        }
        // A date that is not one is refused, as for /cases.
        await #expect(throws: (any Error).self) { _ = try await Sync.get(url + "/?to=2016-02-30", timeout: 20) }
    }

    /// Issue 26: Art. 8 sets no term for a reimbursement; the Network sets one by an act of the
    /// Secretariat, naming its source. A claim falls under the term in force on its day, however
    /// late the term was recorded; the default (12 months) applies before, and says so.
    @Test(
        "a term of 6 months the Secretariat sets from 2015-03-01 (recorded after the claims) makes a claim of 2015-08-31 due on 2016-02-29, while one of 2015-02-28 keeps 12 months; CLI, API, dashboard and case show agree"
    )
    func reimbursementTermSet() async throws {
        let n = try Self.claims(on: ["2015-02-28", "2015-08-31"])
        // Before any term: the default, said to be one.
        let before = try n.run(["workload", "--format", "json"])
        let standard = try JSONParser.parse(before.stdout)["reimbursement_term"]
        #expect(standard?["months"]?.integerValue == 12 && standard?["default"]?.boolValue == true, "\(before.stdout)")
        #expect(try n.run(["workload"]).stdout.contains("12 months after the claim: the default, as the RCM's texts set no term"))

        let source = "Minutes of the Network's meeting of 9 November 2015, item 4"
        let set = ["network", "reimbursement-term", "--occurred", "2015-09-10", "--months", "6", "--source", source, "--effective", "2015-03-01"]
        // Only the Secretariat records it (a State's act of the Secretariat's is AUTHORITY).
        try VerdictTests.refused(n, "MX", set, rule: "AUTHORITY")
        // Not a number of months from 1 to 60: exit 2, the flag named, nothing written.
        for bad in ["0", "61", "1.5", "six"] {
            let checkpoint = try n.run(["checkpoint"]).stdout
            var args = set
            args[args.firstIndex(of: "6")!] = bad
            let r = try n.run(args + ["--key", n.dir + "/RCM-TS.pem"])
            #expect(r.status == 2 && r.stderrLines.count == 1 && r.stderr.contains("--months"), "\(bad): \(r.stderr)")
            #expect(r.stderr.contains("whole number of months from 1 to 60"), "\(bad): \(r.stderr)")
            #expect(try n.run(["checkpoint"]).stdout == checkpoint)
        }
        try n.act("RCM-TS", set)

        let (servers, url, _) = try FederationTests.serving(n)
        defer { servers.stop() }
        // The claim of 2015-02-28 keeps 12 months (due 2016-02-28); that of 2015-08-31 has 6 (due 2016-02-29, a leap day).
        for (day, overdue) in [("2016-02-28", Int64(0)), ("2016-02-29", 1), ("2016-03-01", 2)] {
            let cli = try n.run(["workload", "--to", day, "--format", "json"])
            #expect(cli.status == 0, "\(cli.stderr)")
            let api = String(decoding: try await Sync.get(url + "/api/workload?to=\(day)", timeout: 20), as: UTF8.self)
            for (reader, text) in [("amparo workload", cli.stdout), ("/api/workload", api)] {
                let json = try JSONParser.parse(text)
                let us = json["states"]?.arrayValue?.first { $0["state"]?.stringValue == "US" }
                #expect(us?["overdue_claims"]?.integerValue == overdue, "\(reader) on \(day): \(text)")
                let term = json["reimbursement_term"]
                #expect(term?["months"]?.integerValue == 6 && term?["source"]?.stringValue == source, "\(reader): \(text)")
                #expect(term?["effective"]?.stringValue == "2015-03-01" && term?["default"]?.boolValue == false, "\(reader): \(text)")
            }
            let page = String(decoding: try await Sync.get(url + "/?to=\(day)&lang=en", timeout: 20), as: UTF8.self)
            let line = try #require(page.split(separator: "\n").first { $0.contains("with a reimbursement unsettled after the day it fell due") })
            #expect(line.contains("<strong>\(overdue == 0 ? 0 : 1)</strong>"), "dashboard on \(day): \(line)")
            #expect(page.contains("6 months after the claim, the term the Network set from 1 March 2015: \(source)"), "dashboard on \(day)")
        }
        let text = try n.run(["workload"]).stdout
        #expect(text.contains("Reimbursement claims fall due 6 months after the claim, the term the Network set from 2015-03-01: \(source)."), "\(text)")
        #expect(text.contains("Claims made before 2015-03-01 keep the term in force on the day they were made."), "\(text)")
        let spanish = try n.run(["workload", "--lang", "es"]).stdout
        #expect(
            spanish.contains("Las solicitudes de reembolso vencen 6 meses después de la solicitud, plazo que la Red fijó a partir del 2015-03-01"), "\(spanish)"
        )
        let show = try n.run(["case", "show", "MX-2015-0001"]).stdout
        #expect(show.contains("claimed by the United States on 2015-02-28 from Mexico, due by 2016-02-28, 12 months after the claim: the default"), "\(show)")
        #expect(
            show.contains("claimed by the United States on 2015-08-31 from Mexico, due by 2016-02-29, 6 months after the claim, the term the Network set"),
            "\(show)")
    }

    /// docs/api.md, "As of a day": the acts that happened by the day, however late recorded, and
    /// every correction held now.
    @Test(
        "as of a day, the dashboard counts a presentation recorded later but held on the meeting's day, and a correction recorded later that moves a conclusion past the day"
    )
    func asOfReadsWhatHappened() async throws {
        let n = try VerdictTests.network()
        _ = try VerdictTests.file(n, occurred: "2015-02-01")
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-02-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "conclude", "--case", "MX-2015-0001", "--occurred", "2015-06-30", "--outcome", "protected", "--summary", "s"])
        let conclusion = try VerdictTests.lastEventID(n)
        try n.act("RCM-TS", ["meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US,CR"])
        let (servers, url, _) = try FederationTests.serving(n)
        defer { servers.stop() }
        func line(_ day: String, _ label: String) async throws -> String {
            let page = String(decoding: try await Sync.get(url + "/?to=\(day)&lang=en", timeout: 20), as: UTF8.self)
            return try #require(page.split(separator: "\n").first { $0.contains(label) }.map(String.init), "\(page)")
        }
        let overdue = "concluded and not presented at the meeting after"
        #expect(try await line("2015-11-10", overdue).contains("<strong>1</strong>"))
        // Presented at the meeting, recorded today: as of the day after the meeting it was presented.
        try n.act(
            "MX", ["case", "present", "--case", "MX-2015-0001", "--occurred", "2015-11-09T15:00:00Z", "--meeting", "2015-11-09-mexico-city", "--lessons", "l"])
        #expect(try await line("2015-11-10", overdue).contains("<strong>0</strong>"))
        // As of 2015-07-01 the case was concluded (not open); its conclusion corrected to 2015-07-05
        // (recorded today), it was still open that day.
        let open = "with no formal request note yet"
        #expect(try await line("2015-07-01", open).contains("<strong>0</strong>"))
        try n.act(
            "MX",
            ["case", "correct", "--case", "MX-2015-0001", "--event", conclusion, "--fields", #"{"occurred":"2015-07-05T00:00:00Z"}"#, "--reason", "date typo"])
        let corrected = try await line("2015-07-01", open)
        #expect(corrected.contains("<strong>1</strong>") && corrected.contains("MX-2015-0001"), "\(corrected)")
    }
}
