// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Amparo",
    products: [
        .executable(name: "amparo", targets: ["amparo"]),
        .library(name: "Ledger", targets: ["Ledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C at the edge: module maps over Debian's liblmdb-dev and libzstd-dev.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

        // Thin, safe wrappers. No domain words.
        .target(name: "LMDB", dependencies: ["CLMDB"], swiftSettings: strict),
        .target(name: "Zstd", dependencies: ["CZstd"], swiftSettings: strict),

        // Envelope, canonical bytes, Merkle log, checkpoints, keys, EventLog. No Agreement words.
        .target(
            name: "Ledger",
            dependencies: ["LMDB", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // The string catalogs, one per language (English, Spanish), and the language a reader wants.
        .target(name: "L10n", swiftSettings: strict),

        // The Agreement: event catalog, the one fold, the rule catalog. Pure: no I/O.
        .target(name: "Agreement", dependencies: ["Ledger", "L10n"], swiftSettings: strict),

        // Projections: case summaries, workload, meetings, kept beside the log.
        .target(name: "Projections", dependencies: ["Ledger", "Agreement"], swiftSettings: strict),

        // The write path as one service (parse, shape, sign, one fold, append, catch up) and the
        // Agreement's judgement over a ledger for reading (verify, case views, replay).
        .target(name: "Service", dependencies: ["Ledger", "Agreement", "Projections"], swiftSettings: strict),

        // Signed, zstd-compressed event bundles between ledgers: export, verify, import.
        .target(name: "Bundles", dependencies: ["Ledger", "Zstd"], swiftSettings: strict),

        // Between live nodes over HTTP: cosignatures collected from witnesses (and, later, sync).
        .target(
            name: "Federation",
            dependencies: [
                "Ledger", "Bundles", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),

        // Rendering of views: text, Markdown, HTML (templates) with SVG charts, CSV, JSON. No I/O.
        .target(
            name: "Reports",
            dependencies: [
                "Ledger", "Agreement", "Projections", "L10n", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: ["report", "report-body", "table", "chart"].map { .embedInCode("Templates/\($0).mustache") },
            swiftSettings: strict
        ),

        // The Secretariat's read-only web console and the C2SP tlog-tiles endpoints, on Hummingbird 2.
        .target(
            name: "Console",
            dependencies: [
                "Ledger", "Agreement", "Projections", "Service", "Reports", "L10n", "Bundles", "Federation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: ["page", "error", "finding", "dashboard", "cases", "case", "proof", "meetings", "meeting"].map {
                .embedInCode("Templates/\($0).mustache")
            },
            swiftSettings: strict
        ),

        // A deterministic, signed scenario of the mechanism (test-only keys) for the demo, fixtures, benchmarks.
        .target(
            name: "Scenario",
            dependencies: ["Ledger", "Agreement", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),

        // The command-line tool: parse, call, print.
        .executableTarget(
            name: "amparo",
            dependencies: [
                "Ledger", "Agreement", "Projections", "Service", "Reports", "Scenario", "Bundles", "Console", "L10n", "Federation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // ServeCommand runs the console's application as a service (`runService`), over TLS.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Benchmarks (run by hand; figures in BENCHMARKS.md). Never a timed test.
        .executableTarget(
            name: "AmparoBench",
            dependencies: ["Ledger", "LMDB", "CLMDB", "Agreement", "Projections", "Service", "Reports", "Scenario", "Bundles", "Zstd"],
            path: "Benchmarks/AmparoBench",
            swiftSettings: strict
        ),
        // Writes the committed scenario fixture: swift run scenario [--cases N] [--out DIR]
        .executableTarget(
            name: "scenario",
            dependencies: ["Ledger", "Agreement", "Scenario"],
            path: "tools/scenario",
            swiftSettings: strict
        ),
        // libFuzzer target (built only by tools/fuzz/build, with -sanitize=fuzzer).
        .executableTarget(
            name: "fuzz-bundle",
            dependencies: ["Bundles", "Ledger", "Zstd"],
            path: "tools/fuzz/FuzzBundle",
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]
        ),
        // A child process for the crash test: appends batches and acknowledges each commit.
        .executableTarget(
            name: "amparo-crash-appender",
            dependencies: ["Ledger"],
            path: "Tests/CrashAppender",
            swiftSettings: strict
        ),

        .target(name: "TestSupport", dependencies: ["Ledger"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ZstdTests", dependencies: ["Zstd"], swiftSettings: strict),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", "LMDB", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgreementTests",
            dependencies: ["Agreement", "Ledger", "L10n", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BundlesTests",
            dependencies: ["Bundles", "Ledger", "Zstd", "TestSupport", "amparo", "fuzz-bundle"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Projections", "Scenario", "Agreement", "Ledger", "LMDB", "TestSupport", "amparo"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ScenarioTests",
            dependencies: ["Scenario", "Projections", "Service", "Agreement", "Ledger", "TestSupport", "amparo"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "Scenario", "Service", "Ledger", "Projections", "Reports", "Agreement", "L10n", "TestSupport", "amparo", "Bundles",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AmparoCLITests",
            dependencies: ["TestSupport", "Ledger", "LMDB", "Zstd", "Agreement", "Projections", "Federation", "amparo", "amparo-crash-appender"],
            swiftSettings: strict
        ),
    ]
)
