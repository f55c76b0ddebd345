import Foundation
import TestSupport
import Testing

/// Issue 27: `/healthz`, `/metrics`, the JSON log, HTTPS.
@Suite("Monitoring and TLS", .serialized)
struct MonitoringTests {
    /// `amparo serve ARGS` on a free loopback port, its stderr in a file; stopped by `stop()`.
    final class Served {
        let process = Process()
        let log: String
        let url: String

        init(_ arguments: [String], log: String) throws {
            self.log = log
            FileManager.default.createFile(atPath: log, contents: nil)
            process.executableURL = URL(fileURLWithPath: TestSupport.productsDirectory + "/amparo")
            process.arguments = arguments + ["--listen", "127.0.0.1:0"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try process.run()
            var found: String?
            for _ in 0..<200 where found == nil {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if let r = text.range(of: #"https?://127\.0\.0\.1:\d+"#, options: .regularExpression) { found = String(text[r]) }
                if !process.isRunning { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            guard let found else {
                process.terminate()
                throw LedgerErrorText("amparo serve did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            url = found
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }

        var lines: [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
    }

    struct LedgerErrorText: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// `curl -s ARGS URL`: the status code and the body.
    func curl(_ url: String, _ args: [String] = []) throws -> (status: Int, body: String) {
        let r = try TestSupport.runExecutable("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + args + [url])
        let parts = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(parts.last ?? "") ?? 0, parts.dropLast().joined(separator: "\n"))
    }

    /// The samples of a scrape, parsed by Python's prometheus_client: "name{labels}" → value.
    func parsed(_ text: String, in dir: String) throws -> [String: Double] {
        try TestSupport.write(text, to: dir + "/scrape.txt")
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                    out[s.name + ("{" + labels + "}" if labels else "")] = s.value
            print(json.dumps(out))
            """
        // Debian's python3-prometheus-client (tools/test installs it), read by Debian's Python.
        let r = try TestSupport.runExecutable("/usr/bin/python3", ["-c", script, dir + "/scrape.txt"])
        #expect(r.status == 0, "prometheus_client could not parse /metrics: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Double]
        return object ?? [:]
    }

    @Test("/metrics scraped during appends parses with prometheus_client and its counters move; every request is one JSON log line")
    func metricsDuringAppends() throws {
        let l = try CLILedger()
        let served = try Served(["serve", "--ledger", l.ledger], log: l.dir + "/serve.log")
        defer { served.stop() }
        var scrapes: [[String: Double]] = []
        for round in 0..<3 {
            for i in 0..<3 {
                #expect(try l.amparo(["append", "--key", l.dir + "/mx.pem"], stdin: focalPoint("oficina \(round)-\(i)")).status == 0)
            }
            let (status, body) = try curl(served.url + "/metrics")
            #expect(status == 200)
            scrapes.append(try parsed(body, in: l.dir))
        }
        let entries = scrapes.map { $0["amparo_log_entries"] ?? -1 }
        #expect(entries == [Double(CLILedger.setupEvents + 3), Double(CLILedger.setupEvents + 6), Double(CLILedger.setupEvents + 9)], "\(entries)")
        let appended = scrapes.map { $0["amparo_log_appended_entries_total"] ?? -1 }
        #expect(appended[1] == appended[0] + 3 && appended[2] == appended[1] + 3, "\(appended)")
        let metricsRequests = scrapes.map { $0[#"amparo_http_requests_total{method="GET",route="/metrics",status="200"}"#] ?? 0 }
        #expect(metricsRequests == [0, 1, 2], "the scrape counts the requests before it: \(metricsRequests)")
        #expect(scrapes[2][#"amparo_http_request_duration_seconds_count{method="GET",route="/metrics"}"#] == 2)
        for force in ["integrity", "shall", "should", "may_not"] {
            #expect(scrapes[2].keys.contains("amparo_verify_findings{force=\"\(force)\"}"), "\(force)")
        }
        #expect(scrapes[2]["amparo_projection_lag_entries"] != nil && scrapes[2]["amparo_checkpoint_age_seconds"] != nil)
        #expect(scrapes[2]["amparo_signing_held"] == 0)

        // A client's made-up methods are one label value, "other": the registry cannot be grown by them.
        for method in ["PROPFIND", "MKCOL", "LOCK", "UNLOCK", "SEARCH"] { _ = try curl(served.url + "/healthz", ["-X", method]) }
        let after = try parsed(try curl(served.url + "/metrics").body, in: l.dir)
        #expect(after.keys.filter { $0.hasPrefix("amparo_http_requests_total") && ($0.contains("PROPFIND") || $0.contains("MKCOL")) }.isEmpty)
        #expect(after.keys.contains { $0.hasPrefix("amparo_http_requests_total") && $0.contains(#"method="other""#) })

        // One JSON object a request: method, route, path, status, ms; a refused request at notice.
        _ = try curl(served.url + "/cases/MX-2099-0001")
        Thread.sleep(forTimeInterval: 0.2)
        let requests = served.lines.compactMap { line -> [String: String]? in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        }.filter { $0["msg"] == "request" }
        #expect(requests.filter { $0["route"] == "/metrics" && $0["status"] == "200" && $0["level"] == "info" }.count == 4)
        #expect(requests.contains { $0["route"] == "/cases/{id}" && $0["status"] == "404" && $0["level"] == "notice" && $0["path"] == "/cases/MX-2099-0001" })
        #expect(served.lines.filter { $0.hasPrefix("{") }.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    @Test("/healthz: 200 ready; 503 with the reason when the ledger's data file cannot be read; open without the token")
    func healthz() throws {
        let l = try CLILedger()
        try TestSupport.write("0123456789abcdef0123456789abcdef\n", to: l.dir + "/token")
        let served = try Served(["serve", "--ledger", l.ledger, "--token-file", l.dir + "/token"], log: l.dir + "/serve.log")
        defer { served.stop() }
        #expect(try curl(served.url + "/healthz") == (200, "ready\n"))
        #expect(try curl(served.url + "/metrics").status == 401, "/metrics needs the token")
        #expect(try curl(served.url + "/metrics", ["-H", "Authorization: Bearer 0123456789abcdef0123456789abcdef"]).status == 200)
        try FileManager.default.moveItem(atPath: l.ledger + "/data.mdb", toPath: l.dir + "/data.mdb.away")
        let down = try curl(served.url + "/healthz")
        #expect(down.status == 503 && down.body.hasPrefix("not ready: the ledger's data file \(l.ledger)/data.mdb cannot be read"), "\(down)")
        try FileManager.default.moveItem(atPath: l.dir + "/data.mdb.away", toPath: l.ledger + "/data.mdb")
        #expect(try curl(served.url + "/healthz").status == 200)
    }

    /// A CA and a certificate for 127.0.0.1 signed by it, made with OpenSSL.
    func certificates(_ dir: String) throws {
        let r = try shell(
            """
            cd '\(dir)' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Amparo test CA' 2>&1 &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj '/CN=127.0.0.1' 2>&1 &&
            printf 'subjectAltName=IP:127.0.0.1\\n' > ext && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext 2>&1
            """)
        #expect(r.status == 0, "\(r.stdout)")
    }

    @Test("HTTPS: curl --cacert over TLS 1.3 and 1.2 succeeds; TLS 1.1 and plain HTTP are refused")
    func tls() throws {
        let l = try CLILedger()
        try certificates(l.dir)
        let served = try Served(
            ["serve", "--ledger", l.ledger, "--tls-cert", l.dir + "/server.pem", "--tls-key", l.dir + "/server.key"], log: l.dir + "/serve.log")
        defer { served.stop() }
        #expect(served.url.hasPrefix("https://"))
        #expect(try curl(served.url + "/healthz", ["--cacert", l.dir + "/ca.pem", "--tlsv1.3"]) == (200, "ready\n"))
        #expect(try curl(served.url + "/healthz", ["--cacert", l.dir + "/ca.pem", "--tlsv1.2", "--tls-max", "1.2"]).status == 200)
        #expect(try curl(served.url + "/healthz").status == 0, "a certificate not in the system's store is refused by curl")
        // TLS 1.1 offered by a client that allows it: the server answers with a protocol_version alert.
        let old = try shell("echo | openssl s_client -connect \(served.url.dropFirst(8)) -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' 2>&1")
        #expect(old.stdout.contains("alert protocol version") && !old.stdout.contains("BEGIN CERTIFICATE"), "\(old.stdout)")
        let control = try shell("echo | openssl s_client -connect \(served.url.dropFirst(8)) -tls1_2 2>&1")
        #expect(control.stdout.contains("BEGIN CERTIFICATE"), "the same client over TLS 1.2 is answered: \(control.stdout)")
        #expect(try curl("http://" + served.url.dropFirst(8) + "/healthz").status != 200)
    }

    @Test("beyond loopback with a token and no TLS is refused without --insecure-http; TLS flags go together; a bad certificate is one line")
    func tlsRefusals() throws {
        let l = try CLILedger()
        try TestSupport.write("0123456789abcdef0123456789abcdef\n", to: l.dir + "/token")
        func serve(_ args: [String]) throws -> TestSupport.Result {
            try TestSupport.runExecutable("/usr/bin/timeout", ["20", TestSupport.productsDirectory + "/amparo", "serve"] + args)
        }
        let clear = try serve(["--ledger", l.ledger, "--listen", "10.9.8.7:8443", "--token-file", l.dir + "/token"])
        #expect(
            clear.status == 2 && oneLine(clear) && clear.stderr.contains("would cross the network in clear") && clear.stderr.contains("--tls-cert"),
            "\(clear.stderr)")
        // With --insecure-http the address is accepted: the run goes on to open the ledger (absent here).
        let onPurpose = try serve(["--ledger", l.dir + "/none", "--listen", "10.9.8.7:8443", "--token-file", l.dir + "/token", "--insecure-http"])
        #expect(onPurpose.status == 2 && onPurpose.stderr.contains("no ledger at"), "\(onPurpose.stderr)")
        let half = try serve(["--ledger", l.ledger, "--tls-cert", l.dir + "/token"])
        #expect(half.status == 2 && half.stderr.contains("--tls-cert and --tls-key go together"))
        let bad = try serve(["--ledger", l.ledger, "--tls-cert", l.dir + "/token", "--tls-key", l.dir + "/token"])
        #expect(bad.status == 2 && oneLine(bad) && bad.stderr.contains("holds no PEM certificate"), "\(bad.stderr)")
        let level = try serve(["--ledger", l.ledger, "--log-level", "loud"])
        #expect(level.status == 2 && level.stderr.contains("--log-level loud"))
        let ca = try TestSupport.run(["sync", "--ledger", l.ledger, "--ca-file", l.dir + "/token"])
        #expect(ca.status == 2 && oneLine(ca) && ca.stderr.contains("holds no PEM certificate"), "\(ca.stderr)")
    }

    @Test("sync over HTTPS verifies the peer's certificate: refused against the system's store, accepted with --ca-file")
    func syncOverHTTPS() throws {
        let n = try FederationTests.secretariat()
        try certificates(n.dir)
        let served = try Served(
            ["serve", "--ledger", n.dir + "/ledger", "--tls-cert", n.dir + "/server.pem", "--tls-key", n.dir + "/server.key"], log: n.dir + "/serve.log")
        defer { served.stop() }
        let node = try n.run(["keys", "show", "--node"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try FederationTests.node(n, "m", "m.example/node")
        try TestSupport.write("log \(node) \(served.url)\nquorum none\n", to: n.dir + "/peer.policy")
        #expect(try FederationTests.run(n, ["policy", "set", "--ledger", "m", "peer.policy"]).status == 0)
        let before = try FederationTests.run(n, ["checkpoint", "--ledger", "m"]).stdout
        let untrusted = try FederationTests.run(n, ["sync", "--ledger", "m", "--quiet"])
        #expect(untrusted.status == 2, "\(untrusted.stdout)\(untrusted.stderr)")
        #expect(try FederationTests.run(n, ["checkpoint", "--ledger", "m"]).stdout == before, "nothing imported from an unverified peer")
        let trusted = try FederationTests.run(n, ["sync", "--ledger", "m", "--quiet", "--ca-file", "ca.pem"])
        #expect(trusted.status == 0, "\(trusted.stdout)\(trusted.stderr)")
        let size = try n.run(["checkpoint"]).stdout.split(separator: "\n")[1]
        #expect(try FederationTests.run(n, ["checkpoint", "--ledger", "m"]).stdout.split(separator: "\n")[1] == size)
    }
}
