import Foundation
import Testing

@testable import Ledger

/// The byte-level type check (issue 12) says what the split-based one said, on every kind of input.
@Suite struct FastPathTests {
    static func slowValidateType(_ type: String) -> Bool {
        let parts = type.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && type.count <= 64
            && parts.allSatisfy { part in
                !part.isEmpty && part.utf8.allSatisfy { (0x61...0x7A).contains($0) || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) }
            }
    }

    @Test func eventTypeCheckAgreesWithTheSplitBasedOne() {
        var samples = [
            "", ".", "a.", ".a", "a.b", "a..b", "case.request_filed", "key.registered", "a.b.c", "A.b", "a.b-c", "a.b c", "é.b",
            "a.b\u{301}", String(repeating: "a", count: 62) + ".b", String(repeating: "a", count: 63) + ".b", "a1.b_2", "a",
        ]
        var random = SeededRandom(seed: 7)
        let alphabet = Array("ab_.9Z- é")
        for _ in 0..<5000 {
            samples.append(String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        for s in samples { #expect(Envelope.validateType(s) == FastPathTests.slowValidateType(s), "\(s)") }
    }
}
