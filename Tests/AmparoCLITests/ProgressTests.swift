import Foundation
import TestSupport
import Testing

/// Issue 12: long work shows progress with rate and time left on a terminal, and never otherwise.
@Suite("Progress on long work")
struct ProgressTests {
    /// Runs `amparo args` with a pseudo-terminal (util-linux `script`); returns what the terminal showed.
    static func onTerminal(_ args: [String]) throws -> String {
        let command = ([TestSupport.productsDirectory + "/amparo"] + args).map { "'\($0)'" }.joined(separator: " ")
        return try TestSupport.runExecutable("/usr/bin/script", ["-qc", command, "/dev/null"]).stdout
    }

    @Test("verify, bundle export and import, and demo draw a bar with the rate on a terminal; --quiet and a pipe draw none")
    func bars() throws {
        let dir = try TestSupport.temporaryDirectory("progress")
        let demo = try Self.onTerminal(["demo", "--ledger", dir + "/d", "--cases", "5"])
        #expect(demo.contains("generating and appending [") && demo.contains("events, ") && demo.contains("/s"), "\(demo)")
        let verify = try Self.onTerminal(["verify", "--ledger", dir + "/d"])
        #expect(verify.contains("checking hashes and signatures [==============================]"), "\(verify)")
        #expect(verify.contains("judging the Agreement's rules [==============================]"))
        #expect(!(try Self.onTerminal(["verify", "--ledger", dir + "/d", "--quiet"])).contains("["))
        let export = try Self.onTerminal(["bundle", "export", "--ledger", dir + "/d", "--key", dir + "/d/test-keys/RCM-TS.pem", "--out", dir + "/b.zst"])
        #expect(export.contains("exporting ["), "\(export)")
        #expect(
            try TestSupport.run(["init", "--ledger", dir + "/m", "--name", "m.example/x", "--secretariat-key", dir + "/d/test-keys/RCM-TS.pem"]).status == 0)
        let imported = try Self.onTerminal(["bundle", "import", "--ledger", dir + "/m", dir + "/b.zst"])
        #expect(imported.contains("reading and checking ["), "\(imported)")
        // A meeting report counts the cases it judges.
        let report = try Self.onTerminal(["report", "meeting", "2016-05-16-guatemala-city", "--ledger", dir + "/d"])
        #expect(report.contains("judging the meeting's cases [==============================]") && report.contains(" cases, "), "\(report)")
        #expect(!(try Self.onTerminal(["report", "meeting", "2016-05-16-guatemala-city", "--ledger", dir + "/d", "--quiet"])).contains("judging"))
        // Not a terminal: nothing on stderr but what is said.
        let piped = try TestSupport.run(["verify", "--ledger", dir + "/d"])
        #expect(!piped.stderr.contains("["), "\(piped.stderr)")
    }
}
