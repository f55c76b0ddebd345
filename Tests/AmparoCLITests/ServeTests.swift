import Foundation
import TestSupport
import Testing

@Suite("amparo serve: who may look")
struct ServeTests {
    /// `amparo serve …` that must be refused: run under `timeout 20`, so a server that starts
    /// when it should not ends the test with status 124 instead of hanging it.
    func refused(_ ledger: CLILedger, _ args: [String]) throws -> TestSupport.Result {
        try TestSupport.runExecutable("/usr/bin/timeout", ["20", TestSupport.productsDirectory + "/amparo"] + args + ["--ledger", ledger.ledger])
    }

    @Test("listening beyond loopback without --token-file is refused before anything starts; a bad address or token file is one line, exit 2")
    func refusals() throws {
        let ledger = try CLILedger()
        defer { try? FileManager.default.removeItem(atPath: ledger.dir) }
        for listen in ["0.0.0.0:8080", "192.168.1.5:8080", "[::]:8080", "example.org:80"] {
            let r = try refused(ledger, ["serve", "--listen", listen])
            #expect(r.status == 2, "\(listen)")
            #expect(r.stderr.contains("is not a loopback address") && r.stderr.contains("--token-file"), "\(listen): \(r.stderr)")
            #expect(r.stderrLines.count == 1)
        }
        for listen in ["127.0.0.1", "127.0.0.1:99999", ":8080", "127.0.0.1:http"] {
            let r = try refused(ledger, ["serve", "--listen", listen])
            #expect(r.status == 2, "\(listen)")
            #expect(r.stderr.contains("HOST:PORT"), "\(listen): \(r.stderr)")
        }
        try TestSupport.write("short\n", to: ledger.dir + "/short.token")
        let short = try refused(ledger, ["serve", "--listen", "0.0.0.0:0", "--token-file", ledger.dir + "/short.token", "--insecure-http"])
        #expect(short.status == 2)
        #expect(short.stderr.contains("at least 16 characters"))
        let missing = try refused(ledger, ["serve", "--listen", "0.0.0.0:0", "--token-file", ledger.dir + "/none.token", "--insecure-http"])
        #expect(missing.status == 2)
        #expect(missing.stderrLines.count == 1)
        #expect(try refused(ledger, ["serve", "--lang", "fr"]).status == 2)
        #expect(try refused(ledger, ["serve", "--min-cell", "0"]).status == 2)
    }

    @Test("a port already in use is one line, exit 2, and the ledger is as it was")
    func portInUse() throws {
        let ledger = try CLILedger()
        defer { try? FileManager.default.removeItem(atPath: ledger.dir) }
        // Hold a port with a listening socket of our own.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = listen(fd, 1)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let before = try ledger.snapshot()
        let r = try refused(ledger, ["serve", "--listen", "127.0.0.1:\(port)"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("already in use") && r.stderr.contains("--listen"), "\(r.stderr)")
        #expect(r.stderrLines.count == 1, "\(r.stderr)")
        #expect(try ledger.snapshot() == before)
    }
}
