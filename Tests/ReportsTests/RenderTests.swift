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
