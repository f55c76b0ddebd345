import Foundation
import Testing

@testable import Zstd

@Suite("Zstd streaming with a hard bound")
struct ZstdTests {
    func sample(_ n: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let words = ["case", "consular", "visit", "MX", "CR", "2015", "protection", "{\"type\":"].map { Array($0.utf8) }
        var out: [UInt8] = []
        while out.count < n { out += words[Int.random(in: 0..<words.count, using: &rng)] + [0x20] }
        return Array(out.prefix(n))
    }

    @Test("round trip in many small chunks, and in one piece")
    func roundTrip() throws {
        let data = sample(1 << 20)
        let c = try ZstdCompressor()
        var compressed: [UInt8] = []
        for start in stride(from: 0, to: data.count, by: 7919) {
            try c.write(Array(data[start..<min(start + 7919, data.count)])) { compressed += $0 }
        }
        try c.finish { compressed += $0 }
        #expect(compressed.count < data.count / 3)
        let d = try ZstdDecompressor(bound: data.count)
        var out: [UInt8] = []
        for start in stride(from: 0, to: compressed.count, by: 1000) {
            try d.write(Array(compressed[start..<min(start + 1000, compressed.count)])) { out += $0 }
        }
        try d.finish()
        #expect(out == data)
        let oneShot = try ZstdCompressor.compress(data)
        #expect(oneShot.count > 0)
        #expect(try ZstdDecompressor.decompress(try ZstdCompressor.compress(data), bound: data.count) == data)
    }

    @Test("a bomb is refused as soon as output crosses the bound, with the bound in the message")
    func bomb() throws {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        let bomb = try ZstdCompressor.compress(zeros, level: 19)
        #expect(bomb.count < 64 << 10)
        let d = try ZstdDecompressor(bound: 1 << 20)
        var received = 0
        #expect {
            try d.write(bomb) { received += $0.count }
        } throws: { error in
            (error as? ZstdError)?.code == .boundExceeded && "\(error)".contains("1048576")
        }
        #expect(received <= 1 << 20)
    }

    @Test("truncated, corrupt and non-zstd input is refused")
    func badInput() throws {
        let good = try ZstdCompressor.compress(sample(100_000))
        #expect(throws: ZstdError.truncated) { _ = try ZstdDecompressor.decompress(Array(good.prefix(good.count / 2)), bound: 1 << 20) }
        #expect(throws: ZstdError.library) { _ = try ZstdDecompressor.decompress(Array("not zstd at all".utf8), bound: 1 << 20) }
        var corrupt = good
        corrupt[corrupt.count - 2] ^= 0xFF  // inside the content checksum
        #expect(throws: ZstdError.library) { _ = try ZstdDecompressor.decompress(corrupt, bound: 1 << 20) }
    }

    @Test(
        "a frame that needs a window past 8 MiB is refused (the decoder's memory is bounded)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")))
    func largeWindow() throws {
        // The zstd CLI, reading a pipe (size unknown), keeps --long=27's 128 MiB window in the frame.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "head -c 2000000 /dev/urandom | /usr/bin/zstd -q --long=27 -c"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let frame = Array(out.fileHandleForReading.readDataToEndOfFile())
        p.waitUntilExit()
        #expect(frame.count > 1_000_000)
        #expect(throws: ZstdError.self) { _ = try ZstdDecompressor.decompress(frame, bound: 1 << 30) }
        // The same data with a small window decodes.
        let small = try ZstdCompressor.compress(Array(frame.prefix(1000)))
        #expect(try ZstdDecompressor.decompress(small, bound: 1 << 20) == Array(frame.prefix(1000)))
    }
}
