import Foundation

/// Helpers for tests: temporary directories and the built `amparo` binary run as a user would.
public enum TestSupport {
    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ label: String = "amparo") throws -> String {
        let path = testsRoot + "/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// One folder for every temporary directory of this test process, removed when it exits:
    /// a run leaves nothing behind in the system's temporary directory.
    private static let testsRoot: String = {
        atexit { try? FileManager.default.removeItem(atPath: TestSupport.rootPath) }
        return rootPath
    }()
    private static var rootPath: String { NSTemporaryDirectory() + "amparo-tests-\(getpid())" }

    /// The folder holding the built products (`amparo`, `amparo-crash-appender`).
    public static var productsDirectory: String {
        if let override = ProcessInfo.processInfo.environment["AMPARO_PRODUCTS"] { return override }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
            Bundle.main.bundleURL.path,
            Bundle.main.bundleURL.deletingLastPathComponent().path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/amparo") } ?? candidates[0]
    }

    /// What a finished process said.
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
        public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs a built product with `arguments`, feeding `stdin`, and waits for it.
    public static func run(
        _ arguments: [String], product: String = "amparo", stdin: String? = nil,
        environment: [String: String] = [:], directory: String? = nil
    ) throws -> Result {
        try runExecutable(productsDirectory + "/" + product, arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// Runs any executable and waits for it.
    public static func runExecutable(
        _ path: String, _ arguments: [String], stdin: String? = nil,
        environment: [String: String] = [:], directory: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "AMPARO_LEDGER")
        // English unless a test asks otherwise: the language comes from the locale (docs/i18n.md).
        env.removeValue(forKey: "LC_ALL")
        env.removeValue(forKey: "LC_MESSAGES")
        env["LANG"] = "C.UTF-8"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outFile = NSTemporaryDirectory() + "out-\(UUID().uuidString)"
        let errFile = NSTemporaryDirectory() + "err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outFile)
            try? FileManager.default.removeItem(atPath: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        )
    }

    /// The bytes of a file (nil when missing).
    public static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Whether `needle` occurs in `bytes` (a scan for words that must be gone).
    public static func holds(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0] && bytes[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Writes text to a file.
    public static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
