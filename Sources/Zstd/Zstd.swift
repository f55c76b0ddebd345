import CZstd

/// An error from zstd or from the bound this wrapper enforces.
package struct ZstdError: Error, Hashable, CustomStringConvertible, Sendable {
    package struct Code: Hashable, Sendable {
        enum Wrapped: Hashable, Sendable { case library, boundExceeded, truncated }
        let wrapped: Wrapped
        /// zstd refused the data (not a zstd frame, corrupt, bad checksum…).
        package static let library = Code(wrapped: .library)
        /// Decompressed output would cross the caller's hard bound.
        package static let boundExceeded = Code(wrapped: .boundExceeded)
        /// The input ended inside a frame.
        package static let truncated = Code(wrapped: .truncated)
    }
    package let code: Code
    package let message: String
    package var description: String { message }
    package static func == (a: ZstdError, b: ZstdError) -> Bool { a.code == b.code }
    package func hash(into h: inout Hasher) { h.combine(code) }
    package static let boundExceeded = ZstdError(code: .boundExceeded, message: "")
    package static let truncated = ZstdError(code: .truncated, message: "")
    package static let library = ZstdError(code: .library, message: "")
}

@inline(__always)
func check(_ result: Int, _ what: String) throws -> Int {
    if ZSTD_isError(result) != 0 {
        throw ZstdError(code: .library, message: "\(what): \(String(cString: ZSTD_getErrorName(result)))")
    }
    return result
}

/// Streaming zstd compression: feed chunks, get compressed bytes through `sink`; memory stays
/// bounded whatever the total size. Frames carry a content checksum.
package final class ZstdCompressor {
    private let stream: OpaquePointer
    private var output: [UInt8]

    package init(level: Int32 = 3) throws {
        guard let s = ZSTD_createCCtx() else { throw ZstdError(code: .library, message: "ZSTD_createCCtx failed") }
        stream = s
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        _ = try check(ZSTD_CCtx_setParameter(s, ZSTD_c_compressionLevel, level), "set level")
        _ = try check(ZSTD_CCtx_setParameter(s, ZSTD_c_checksumFlag, 1), "set checksum")
    }

    deinit { ZSTD_freeCCtx(stream) }

    /// Compresses `input`, handing compressed bytes to `sink` as they are produced.
    package func write(_ input: [UInt8], to sink: ([UInt8]) throws -> Void) throws {
        try run(input, end: false, sink)
    }

    /// Ends the frame, flushing what remains to `sink`.
    package func finish(to sink: ([UInt8]) throws -> Void) throws {
        try run([], end: true, sink)
    }

    private func run(_ input: [UInt8], end: Bool, _ sink: ([UInt8]) throws -> Void) throws {
        try input.withUnsafeBytes { src in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
            while true {
                let (remaining, produced) = try output.withUnsafeMutableBytes { dst -> (Int, Int) in
                    var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    let r = try check(ZSTD_compressStream2(stream, &outBuf, &inBuf, end ? ZSTD_e_end : ZSTD_e_continue), "compress")
                    return (r, outBuf.pos)
                }
                if produced > 0 { try sink(Array(output[0..<produced])) }
                if end ? remaining == 0 : inBuf.pos == inBuf.size { break }
            }
        }
    }

    /// Compresses a whole buffer in one call (small data).
    package static func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        let c = try ZstdCompressor(level: level)
        var out: [UInt8] = []
        try c.write(input) { out += $0 }
        try c.finish { out += $0 }
        return out
    }
}

/// Streaming zstd decompression with a hard bound on the output: a small file cannot expand
/// without limit (a decompression bomb is refused as soon as the bound is crossed, never after
/// allocating what a frame header claims). The window is capped too, bounding memory.
package final class ZstdDecompressor {
    private let stream: OpaquePointer
    private var output: [UInt8]
    /// The most bytes this decompressor will ever produce.
    package let bound: Int
    /// Bytes produced so far.
    package private(set) var produced = 0
    private var midFrame = false

    /// - Parameters:
    ///   - bound: hard limit on total decompressed bytes.
    ///   - windowLogMax: largest window accepted (2^windowLogMax bytes of memory); 23 = 8 MiB.
    package init(bound: Int, windowLogMax: Int32 = 23) throws {
        guard let s = ZSTD_createDCtx() else { throw ZstdError(code: .library, message: "ZSTD_createDCtx failed") }
        stream = s
        self.bound = bound
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        _ = try check(ZSTD_DCtx_setParameter(s, ZSTD_d_windowLogMax, windowLogMax), "set window")
    }

    deinit { ZSTD_freeDCtx(stream) }

    /// Decompresses `input`, handing output to `sink` in chunks; throws `.boundExceeded` before
    /// handing over any byte past the bound.
    package func write(_ input: [UInt8], to sink: ([UInt8]) throws -> Void) throws {
        try input.withUnsafeBytes { src in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
            while true {
                let (hint, count) = try output.withUnsafeMutableBytes { dst -> (Int, Int) in
                    var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    let r = try check(ZSTD_decompressStream(stream, &outBuf, &inBuf), "decompress")
                    return (r, outBuf.pos)
                }
                midFrame = hint != 0
                if count > 0 {
                    guard produced + count <= bound else {
                        throw ZstdError(code: .boundExceeded, message: "decompressed data exceeds the bound of \(bound) bytes")
                    }
                    produced += count
                    try sink(Array(output[0..<count]))
                }
                // Done with this chunk when all input is consumed and either a frame just ended
                // (calling again would start waiting for the next frame) or the decoder had room
                // to spare (so it flushed everything it could).
                if inBuf.pos == inBuf.size && (hint == 0 || count < output.count) { break }
            }
        }
    }

    /// One decoding step, for a reader that pulls: decodes from `input` at `position` (advanced
    /// past what was consumed) into at most one output buffer (``ZSTD_DStreamOutSize``, 128 KiB).
    /// `needsInput` is true when `input` is used up and the decoder holds nothing more to flush.
    /// Memory stays bounded however far the input expands.
    package func step(_ input: [UInt8], at position: inout Int) throws -> (output: [UInt8], needsInput: Bool) {
        let (hint, count, consumed) = try input.withUnsafeBytes { src in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: position)
            return try output.withUnsafeMutableBytes { dst -> (Int, Int, Int) in
                var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                let r = try check(ZSTD_decompressStream(stream, &outBuf, &inBuf), "decompress")
                return (r, outBuf.pos, inBuf.pos)
            }
        }
        position = consumed
        midFrame = hint != 0
        guard produced + count <= bound else {
            throw ZstdError(code: .boundExceeded, message: "decompressed data exceeds the bound of \(bound) bytes")
        }
        produced += count
        let done = consumed == input.count && (hint == 0 || count < output.count)
        return (Array(output[0..<count]), done)
    }

    /// Checks the input ended on a frame boundary.
    package func finish() throws {
        if midFrame { throw ZstdError(code: .truncated, message: "the zstd stream ends in the middle of a frame (truncated)") }
    }

    /// Decompresses a whole buffer, refusing more than `bound` bytes of output.
    package static func decompress(_ input: [UInt8], bound: Int) throws -> [UInt8] {
        let d = try ZstdDecompressor(bound: bound)
        var out: [UInt8] = []
        try d.write(input) { out += $0 }
        try d.finish()
        return out
    }
}
