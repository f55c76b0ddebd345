import Foundation
import Ledger
import Reports
import Testing

/// The hand-written escapers and date formatting (issue 12 replaced NSString and description
/// slicing on the report's hot path) say exactly what the slow versions said.
@Suite struct RenderTests {
    @Test func htmlEscapesTheFourCharactersAndNothingElse() {
        let samples = ["", "plain", "a & b", "<script>\"x\"</script>", "&amp;", "é ñ 中 🇲🇽 & <", "\"", "a>b<c"]
        for s in samples {
            let slow = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            #expect(Render.html(s) == slow)
        }
    }

    @Test("CSV quotes a field holding a comma, a quote, CR, LF or CRLF (RFC 4180), and only those; Python's csv reads the cells back")
    func csvQuotesPerRFC4180() throws {
        let cells = ["plain", "a,b", "say \"hi\"", "line\rbreak", "line\nbreak", "line\r\nbreak", "café"]
        let text = Render.csv([cells])
        #expect(text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\rbreak\",\"line\nbreak\",\"line\r\nbreak\",café\r\n")
        let dir = NSTemporaryDirectory() + "csv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
        let read = Process()
        read.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        read.arguments = ["-c", "import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))))", dir + "/t.csv"]
        let out = Pipe()
        read.standardOutput = out
        try read.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        read.waitUntilExit()
        let rows = try JSONSerialization.jsonObject(with: data) as? [[String]]
        #expect(rows == [cells])
    }

    @Test func aTimestampsDateIsTheFirstTenCharactersOfItsDescription() {
        var random = SeededRandom(seed: 12)
        var samples: [Int64] = [0, -1, 86_399, 86_400, -86_400, -86_401, 951_782_400, 4_102_444_800, 253_402_300_799]
        for _ in 0..<2000 { samples.append(Int64(random.next() % 253_402_300_800) - 62_135_596_800 / 2) }
        for seconds in samples {
            let t = Timestamp(seconds: seconds)
            #expect(t.date == String(t.description.prefix(10)), "\(seconds)")
        }
    }
}
