import Foundation
import Ledger
import TestSupport
import Testing

/// Issue 26: acts that should not be possible, and messages that mislead, each through the built
/// binary.
@Suite("Officer traps", .serialized)
struct OfficerTrapsTests {
    typealias Node = EventCommandTests.Node

    /// A day `days` from today, `YYYY-MM-DD`.
    static func day(_ days: Int64) -> String { Timestamp.now().adding(seconds: days * 86400).date }

    @Test("a case presented today at a meeting months ahead is refused (LIFECYCLE); recorded anyway, verify reports it and the case is not presented")
    func presentedBeforeTheMeeting() throws {
        let n = try DailyUseTests.caseNode()
        let date = Self.day(200)
        let meeting = date + "-panama-city"
        try n.act("RCM-TS", ["meeting", "schedule", "--date", date, "--city", "Panama City", "--country", "PA"])
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "conclude", "--case", "MX-2015-0001", "--occurred", "2015-06-30", "--outcome", "protected", "--summary", "s"])
        let present = [
            "case", "present", "--case", "MX-2015-0001", "--meeting", meeting, "--nature", "n", "--protection-required", "r",
            "--protection-provided", "p", "--provided-by", "US", "--lessons", "l",
        ]
        let stderr = try VerdictTests.refused(n, "MX", present, rule: "LIFECYCLE")
        #expect(stderr.contains("which is not held until \(date)"), "\(stderr)")
        let recorded = try n.run(present + ["--record-violations", "--key", n.dir + "/MX.pem"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stderr.contains("recorded despite LIFECYCLE"), "\(recorded.stderr)")
        let verify = try n.run(["verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("LIFECYCLE") && verify.stdout.contains("not held until \(date)"), "\(verify.stdout)")
        let show = try JSONParser.parse(try n.run(["case", "show", "MX-2015-0001", "--format", "json"]).stdout)
        #expect(show["status"]?.stringValue == "concluded", "\(show)")
        // Dated on the meeting's day, months from now, it is an act in the future: an input error (exit 2), never recordable.
        let onTheDay = try n.run(present + ["--occurred", date + "T10:00:00Z", "--key", n.dir + "/MX.pem"])
        #expect(onTheDay.status == 2, "an act dated in the future is an input error: \(onTheDay.stderr)")
    }

    @Test("a note names only what the act did: a focal point designated after a missed presentation prints no note; the meeting held that made it missed does")
    func notesNameTheActsOwn() throws {
        let n = try DailyUseTests.caseNode()
        try n.act("RCM-TS", ["case", "notify", "--case", "MX-2015-0001", "--occurred", "2015-04-02", "--acknowledgement", "TS-1"])
        try n.act("MX", ["case", "conclude", "--case", "MX-2015-0001", "--occurred", "2015-06-30", "--outcome", "protected", "--summary", "s"])
        try n.act("RCM-TS", ["meeting", "schedule", "--occurred", "2015-07-01", "--date", "2015-11-09", "--city", "Mexico City", "--country", "MX"])
        let held = try n.run([
            "meeting", "held", "--occurred", "2015-11-09", "--meeting", "2015-11-09-mexico-city", "--participants", "MX,US",
            "--key", n.dir + "/RCM-TS.pem",
        ])
        #expect(held.status == 0, "\(held.stderr)")
        #expect(held.stderr.contains("note: recorded; ART7.7-PRESENTATION until the missing act is recorded"), "\(held.stderr)")
        let focal = try n.run([
            "network", "focal-point", "--occurred", "2015-12-01", "--office", "x", "--email", "y@example.org", "--telephone", "1",
            "--key", n.dir + "/CR.pem",
        ])
        #expect(focal.status == 0, "\(focal.stderr)")
        #expect(focal.stderr.isEmpty, "\(focal.stderr)")
    }

    @Test("a city name with a right-to-left override is refused, the field named, nothing written; so is a zero-width space in a declared city")
    func invisibleCharacters() throws {
        let n = try DailyUseTests.caseNode()
        let before = try n.run(["checkpoint"]).stdout
        let city = try n.run([
            "meeting", "schedule", "--occurred", "2015-07-01", "--date", "2015-11-09", "--city", "Panam\u{202E}a", "--country", "PA",
            "--key", n.dir + "/RCM-TS.pem",
        ])
        #expect(city.status == 2)
        #expect(city.stderrLines.count == 1)
        #expect(city.stderr.hasPrefix("amparo: --city: holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"), "\(city.stderr)")
        let office = try n.run(["network", "declare-offices", "--occurred", "2015-07-01", "--office", "US:Wash\u{200B}ington", "--key", n.dir + "/MX.pem"])
        #expect(office.status == 2)
        #expect(office.stderr.contains("--office: a city of US: holds the invisible character U+200B (ZERO WIDTH SPACE)"), "\(office.stderr)")
        #expect(try n.run(["checkpoint"]).stdout == before)
    }

    @Test("dates from another millennium: a meeting on 9999-12-31, a key valid from it, a draft's date before 2000 ask for --confirm-far-date; nothing written")
    func farDates() throws {
        let n = try DailyUseTests.caseNode()
        let before = try n.run(["checkpoint"]).stdout
        let schedule = ["meeting", "schedule", "--occurred", "2015-07-01", "--date", "9999-12-31", "--city", "Panama", "--country", "PA"]
        let meeting = try n.run(schedule + ["--key", n.dir + "/RCM-TS.pem"])
        #expect(meeting.status == 2)
        #expect(meeting.stderrLines.count == 1)
        #expect(
            meeting.stderr.hasPrefix(
                "amparo: --date is 9999-12-31, more than two years after today (\(Timestamp.now().date)): most likely a typo; check it, or give --confirm-far-date"
            ),
            "\(meeting.stderr)")
        let vkey = try TestSupport.run(["keys", "new", "--actor", "PA", "--out", n.dir + "/PA2.pem"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try n.run(["keys", "register", "--actor", "PA", "--public-key", vkey, "--valid-from", "9999-12-31", "--key", n.dir + "/RCM-TS.pem"])
        #expect(key.status == 2)
        #expect(key.stderr.hasPrefix("amparo: --valid-from is 9999-12-31, more than two years"), "\(key.stderr)")
        let draft = #"{"type":"state.joined_agreement","occurred":"1999-12-31T00:00:00Z","payload":{"effective":"2015-01-10"}}"#
        let path = n.dir + "/old.jsonl"
        try Data((draft + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let append = try n.run(["append", path, "--key", n.dir + "/CR.pem"])
        #expect(append.status == 2)
        #expect(append.stderr.contains("line 1: \"occurred\" is 1999-12-31, before 2000"), "\(append.stderr)")
        #expect(try n.run(["checkpoint"]).stdout == before)
        // Confirmed, it is recorded.
        let confirmed = try n.run(schedule + ["--confirm-far-date", "--key", n.dir + "/RCM-TS.pem"])
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
    }

    @Test("every command's help states its exit status, 2 included; a group alone prints its help and exits 2")
    func helpStatesExitCodes() throws {
        var pending: [[String]] = [[]]
        var seen = 0
        while let path = pending.popLast() {
            let help = try TestSupport.run(path + ["--help"])
            #expect(help.status == 0)
            let text = help.stdout.replacingOccurrences(of: "\n", with: " ")
            let stated = text.range(of: #"Exit status:? [^.]*\b2\b"#, options: .regularExpression) != nil
            #expect(stated, "amparo \(path.joined(separator: " ")) --help states no exit status 2")
            seen += 1
            let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { continue }
            let subcommands = lines[(start + 1)...].prefix { !$0.hasPrefix("  See ") }.compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
                return line.split(separator: " ").first.map(String.init)
            }
            #expect(!subcommands.isEmpty)
            pending += subcommands.map { path + [$0] }
            // Alone, a group is a usage error.
            let alone = try TestSupport.run(path)
            #expect(alone.status == 2, "amparo \(path.joined(separator: " "))")
            #expect(alone.stderr.contains("give a subcommand"), "\(alone.stderr)")
        }
        #expect(seen > 60)
    }

    @Test("keys show outside a ledger asks for --actor; init where no directory can be made says why; a lower-case case id suggests the upper-case one")
    func misleadingMessages() throws {
        let dir = try TestSupport.temporaryDirectory("traps")
        _ = try TestSupport.run(["keys", "new", "--actor", "PA", "--out", dir + "/pa.pem"])
        let show = try TestSupport.run(["keys", "show", "--key", dir + "/pa.pem", "--ledger", dir + "/none"])
        #expect(show.status == 2)
        #expect(show.stderr.contains("give --actor CODE"), "\(show.stderr)")
        #expect(!show.stderr.contains("amparo init"), "\(show.stderr)")
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
        _ = try TestSupport.run(["keys", "new", "--actor", "RCM-TS", "--out", dir + "/ts.pem"])
        let made = try TestSupport.run(["init", "--ledger", dir + "/file/ledger", "--name", "x", "--secretariat-key", dir + "/ts.pem"])
        #expect(made.status == 2)
        #expect(made.stderr == "amparo: cannot create the ledger directory \(dir)/file/ledger: \(dir)/file is a file, not a directory; choose another path\n")
        let proc = try TestSupport.run(["init", "--ledger", "/proc/amparo", "--name", "x", "--secretariat-key", dir + "/ts.pem"])
        #expect(proc.status == 2)
        #expect(proc.stderr.contains("cannot create the ledger directory /proc/amparo: "), "\(proc.stderr)")
        #expect(!proc.stderr.contains("The operation could not be completed"), "\(proc.stderr)")
        let n = try DailyUseTests.caseNode()
        for args in [["case", "show", "mx-2015-0001"], ["replay", "--case", "mx-2015-0001"]] {
            let r = try n.run(args)
            #expect(r.status == 2)
            #expect(r.stderr.contains("did you mean MX-2015-0001?"), "\(r.stderr)")
        }
        let act = try n.run(["case", "withdraw", "--case", "mx-2015-0001", "--reason", "r", "--key", n.dir + "/MX.pem"])
        #expect(act.status == 2)
        #expect(act.stderr.contains("did you mean MX-2015-0001?"), "\(act.stderr)")
    }

    @Test("a field's help says its kind once; a bool flag reads the same in the text and the usage line")
    func fieldHelp() throws {
        let cost = try TestSupport.run(["case", "cost", "--help"]).stdout
        #expect(cost.contains("• --amount VALUE: decimal amount, e.g. 1250.00.\n"), "\(cost)")
        let file = try TestSupport.run(["case", "file", "--help"]).stdout
        #expect(file.contains("• --unaccompanied-child [true|false], optional"))
        #expect(file.contains("[--unaccompanied-child [true|false]]"))
    }

    @Test("a Network act's help lists no --case (it takes none); a case act's does")
    func networkHelpHasNoCase() throws {
        for command in [["network", "join"], ["network", "reimbursement-term"], ["meeting", "schedule"], ["meeting", "held"]] {
            let help = try TestSupport.run(command + ["--help"]).stdout
            #expect(!help.contains("--case"), "\(command): \(help)")
        }
        #expect(try TestSupport.run(["case", "conclude", "--help"]).stdout.contains("--case <ID>"))
        // Given anyway, it is refused as before: a network event takes no case.
        let n = try Node()
        let r = try n.run(["network", "join", "--case", "MX-2015-0001", "--effective", "2015-01-10", "--key", n.dir + "/MX.pem"])
        #expect(r.status == 2 && r.stderr.contains("takes no --case"), "\(r.stderr)")
    }

    @Test("every --out refuses an existing file and names --force; --force replaces it whole")
    func outRefusesUnlessForced() throws {
        let n = try DailyUseTests.caseNode()
        try n.act("RCM-TS", ["meeting", "schedule", "--occurred", "2015-07-01", "--date", "2015-11-09", "--city", "Mexico City", "--country", "MX"])
        let out = n.dir + "/taken"
        for args in [
            ["report", "meeting", "2015-11-09-mexico-city"], ["bundle", "export", "--key", n.dir + "/MX.pem", "--quiet"], ["keys", "new", "--actor", "MX"],
        ] {
            try Data("held".utf8).write(to: URL(fileURLWithPath: out))
            let refused = try n.run(args + ["--out", out])
            #expect(refused.status == 2, "\(args)")
            #expect(refused.stderr == "amparo: \(out) already exists; give --force to replace it, or choose another --out\n", "\(refused.stderr)")
            #expect(TestSupport.contents(out) == Array("held".utf8))
            let forced = try n.run(args + ["--out", out, "--force"])
            #expect(forced.status == 0, "\(args): \(forced.stderr)")
            #expect(TestSupport.contents(out) != Array("held".utf8))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: n.dir).filter { $0.contains(".partial-") }.isEmpty)
    }

    @Test("amparo cases takes the API's filters: requesting, assisting, category, filing period, open, findings; each keeps exactly the cases it names")
    func casesFilters() throws {
        let dir = try TestSupport.temporaryDirectory("cases-filters")
        let ledger = dir + "/demo"
        #expect(try TestSupport.run(["demo", "--ledger", ledger, "--quiet"]).status == 0)
        func ids(_ args: [String]) throws -> [String] {
            let r = try TestSupport.run(["cases", "--ledger", ledger, "--format", "json"] + args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return try (JSONParser.parse(r.stdout).arrayValue ?? []).compactMap { $0["case"]?.stringValue }
        }
        let all = try JSONParser.parse(try TestSupport.run(["cases", "--ledger", ledger, "--format", "json"]).stdout).arrayValue ?? []
        func expected(_ keep: (JSONValue) -> Bool) -> [String] { all.filter(keep).compactMap { $0["case"]?.stringValue } }
        let openStatuses: Set<String> = [
            "filed", "notified", "circulated", "offers", "assisting_selected", "formally_requested", "scope_agreed", "in_protection",
        ]
        let verdicts = try JSONParser.parse(try TestSupport.run(["verify", "--ledger", ledger, "--format", "json"]).stdout)
        let flagged = Set((verdicts["breaches"]?.arrayValue ?? []).compactMap { $0["case"]?.stringValue })
        let checks: [([String], (JSONValue) -> Bool)] = [
            (["--requesting", "MX"], { $0["requesting"]?.stringValue == "MX" }),
            (["--assisting", "US"], { $0["assisting"]?.stringValue == "US" }),
            (["--category", "natural_disaster"], { $0["category"]?.stringValue == "natural_disaster" }),
            (["--from", "2016-01-01", "--to", "2016-12-31"], { ($0["filed"]?.stringValue ?? "").hasPrefix("2016-") }),
            (["--from", "2016-08-19", "--to", "2016-08-19"], { $0["filed"]?.stringValue == "2016-08-19" }),
            (["--open", "yes"], { openStatuses.contains($0["status"]?.stringValue ?? "") }),
            (["--open", "no"], { !openStatuses.contains($0["status"]?.stringValue ?? "") }),
            (["--findings", "yes"], { flagged.contains($0["case"]?.stringValue ?? "") }),
            (["--findings", "no", "--requesting", "CA"], { !flagged.contains($0["case"]?.stringValue ?? "") && $0["requesting"]?.stringValue == "CA" }),
        ]
        for (args, keep) in checks {
            let want = expected(keep)
            #expect(!want.isEmpty && want.count < all.count, "\(args) should keep some cases, not all")
            #expect(try ids(args) == want, "\(args)")
        }
        for bad in [
            ["--open", "maybe"], ["--category", "war"], ["--from", "2016-13-01"], ["--from", "2017-01-01", "--to", "2016-01-01"], ["--assisting", "ZZ"],
        ] {
            let r = try TestSupport.run(["cases", "--ledger", ledger] + bad)
            #expect(r.status == 2, "\(bad)")
            #expect(r.stderrLines.count == 1, "\(bad): \(r.stderr)")
        }
    }
}
