import Testing
@testable import Zstd
@Test func zstdLinks() { #expect(Bool(true)) }
