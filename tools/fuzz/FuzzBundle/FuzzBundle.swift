// libFuzzer target over the bundle reader and the event decoder. See tools/fuzz/README.md.
//
// Built by tools/fuzz/build with `-sanitize=fuzzer -DFUZZING`, it is a libFuzzer binary. In every
// other build it replays files (the committed corpus) through the same entry point; the tests run
// it that way, so anything the fuzzer once found stays fixed.
import Bundles
import Foundation
import Ledger
import Zstd

/// One input, four ways: a compressed bundle file, a bundle's text, a signed event, a draft line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Bundles.parse(bytes: input, bound: 1 << 22)
    if let compressed = try? ZstdCompressor.compress(input, level: 1) {
        _ = try? Bundles.parse(bytes: compressed, bound: 1 << 22)
    }
    _ = try? SignedEvent(bytes: input)
    _ = try? Draft(line: input)
    return 0
}

#if FUZZING
    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
    ) -> CInt

    @_cdecl("fuzz_bundle_main")
    public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var vector = argv
        return LLVMFuzzerRunDriver(&count, &vector, fuzzBundle)
    }
#else
    @main
    struct ReplayCorpus {
        /// `fuzz-bundle FILE|DIR…`: runs every file through the fuzz entry point; exit 0 if none crashed.
        static func main() {
            var files: [String] = []
            for arg in CommandLine.arguments.dropFirst() {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: arg, isDirectory: &isDir), isDir.boolValue {
                    files += ((try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []).sorted().map { arg + "/" + $0 }
                } else {
                    files.append(arg)
                }
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                let bytes = Array(data)
                _ = bytes.withUnsafeBufferPointer { fuzzBundle($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            }
            print("replayed \(files.count) inputs: no crash")
        }
    }
#endif
