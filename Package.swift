// swift-tools-version:6.2

import PackageDescription

// The release `subledger` links the Swift runtime and Foundation statically (issue 13: a
// short command such as `status` spent half its time in the dynamic loader, binding the
// symbols of a dozen shared libraries). `-static-stdlib` alone leaves Foundation's own
// archives out (the objects were compiled against the shared modules), so they are named,
// in a group for gold's one-pass search. Not `-static-executable`: libc, libstdc++ and
// LMDB stay shared. Release only: the debug build's test bundles link the executable's
// objects next to XCTest, which brings the shared Foundation.
//
// Two more flags for the start-up (`status`: 8.5 -> 6.4 ms under `perf stat -r 40`, 848 ->
// 529 page faults): `-no-pie`, because a position-independent executable this size (156 MB,
// NIO and BoringSSL in it) makes the loader apply 117,000 relative relocations at every
// start; and `--no-export-dynamic`, because `-static-stdlib`'s link file exports every
// symbol (36,438 in the dynamic table, 554 without). The cost: the executable's own code is
// loaded at a fixed address (no ASLR for it; the shared libraries keep theirs). It is the
// command-line tool: it reads a local store, or is a client of a PostgreSQL server (whose
// replies it parses, over TLS); what listens on a network, `subledger serve`, runs the
// separate `subledger-server`, which keeps the default (PIE) link. Crash
// backtraces: a binary with the static runtime finds no `swift-backtrace` beside it (with or
// without these two flags); `SWIFT_BACKTRACE=enable=yes,swift-backtrace=` the toolchain's
// `usr/libexec/swift/linux/swift-backtrace-static` gives frames with file and line (checked
// on a `kill -SEGV` of `audit`).
let staticSwiftRuntime = LinkerSetting.unsafeFlags(
    [
        "-static-stdlib", "-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic", "-Xlinker",
        "--start-group",
    ]
        + [
            "Foundation", "CoreFoundation", "FoundationEssentials", "FoundationInternationalization", "_FoundationICU",
            "_FoundationCShims", "_FoundationCollections", "swiftDispatch", "dispatch", "BlocksRuntime",
        ].flatMap { ["-Xlinker", "-l:lib\($0).a"] } + ["-Xlinker", "--end-group"],
    .when(platforms: [.linux], configuration: .release)
)

let package = Package(
    name: "subledger",
    products: [
        // The event log on its own: LMDB, the hash chain, the binary encoding.
        .library(name: "SubledgerStore", targets: ["SubledgerStore"]),
        // The event log on PostgreSQL (issue 15): `EventStore.open(postgres:options:)`.
        .library(name: "SubledgerPostgres", targets: ["SubledgerPostgres"]),
        // The ledger: the directive's events, rule editions, projections, decisions, audit, replay.
        .library(name: "SubledgerLedger", targets: ["SubledgerLedger"]),
        // A replay rendered for people: a terminal table, an HTML page with its SVG chart.
        .library(name: "SubledgerReports", targets: ["SubledgerReports"]),
        // Helpers for the tests of services that use subledger (the in-memory store is the store's own).
        .library(name: "SubledgerStoreTesting", targets: ["SubledgerStoreTesting"]),
        // What a service's tests need: the ledger in memory, given/when/then, and the store's helpers above.
        .library(name: "SubledgerTesting", targets: ["SubledgerTesting"]),
        // The command line: import, apply, status, replay, audit, due, settle, export, verify, demo, ...
        .executable(name: "subledger", targets: ["subledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Logging injected into the store and the ledger (issue 12, item 4): silent by default.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // FileDescriptor and Errno instead of hand-written write loops (issue 12, item 4).
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        // `swift package generate-documentation --target SubledgerLedger` (issue 12 item 6): DocC offline.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // `subledger serve` (issue 14): HTTP on Hummingbird 2, started and drained by service-lifecycle,
        // measured with swift-metrics through the Prometheus exporter. Hummingbird's traits are off
        // (no swift-configuration to build: the server reads its options from the command line).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The PostgreSQL backend (issue 15): the driver (on the same swift-nio as the server).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // LMDB's C library, Debian's liblmdb-dev through pkg-config.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // CRC-32C of stored records: the check every read makes (the hardware instruction).
        .target(name: "CSubledgerChecksum"),
        // The domain-agnostic, hash-chained event log: encoding, log, stored projections, LMDB, proofs.
        .target(
            name: "SubledgerStore",
            dependencies: [
                "CLMDB",
                "CSubledgerChecksum",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The store on PostgreSQL (issue 15): a backend of the store's storage seam on postgres-nio.
        .target(
            name: "SubledgerPostgres",
            dependencies: [
                "SubledgerStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The directive as code: facts, editions, projections, decisions, audit, a replay's data and JSON.
        .target(
            name: "SubledgerLedger",
            dependencies: [
                "SubledgerStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The renderings of a replay for people: the terminal's table, the HTML page, its SVG chart.
        .target(name: "SubledgerReports", dependencies: ["SubledgerStore", "SubledgerLedger"]),
        // The export file verifier (`verify FILE`): JSON Lines and CSV, as tools/verify_export.py checks them.
        .target(name: "SubledgerVerify", dependencies: ["SubledgerStore"]),
        // The demo's generator: a seeded population, its facts (lawful and scripted mistakes), its report.
        .target(
            name: "SubledgerDemo",
            dependencies: [
                "SubledgerStore", "SubledgerLedger",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The ledger as an HTTP service (issue 14): routes of docs/openapi.yaml, API keys, problems, SSE, metrics.
        .target(
            name: "SubledgerServer",
            dependencies: [
                "SubledgerStore", "SubledgerLedger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // `subledger serve` runs this program (it execs it from beside itself), so that the command
        // line's own binary stays without the HTTP stack: its start-up time is its own.
        .executableTarget(
            name: "subledger-server",
            dependencies: [
                "SubledgerServer", "SubledgerLedger", "SubledgerStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test helpers, ours and a service's: a manual clock, seeded draws, input mutators, folder images.
        .target(
            name: "SubledgerStoreTesting",
            dependencies: ["SubledgerStore"]
        ),
        // A service's test helpers: given/when/then on a ledger in memory; re-exports SubledgerStoreTesting.
        .target(
            name: "SubledgerTesting",
            dependencies: ["SubledgerStore", "SubledgerLedger", "SubledgerStoreTesting"]
        ),
        // The command line: its commands, their options, input and output; the rooms above do the work.
        .executableTarget(
            name: "subledger",
            dependencies: [
                "SubledgerStore",
                "SubledgerLedger",
                "SubledgerReports",
                "SubledgerVerify",
                "SubledgerDemo", "SubledgerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            linkerSettings: [staticSwiftRuntime]
        ),
        // The README's and the DocC articles' examples as a program: a test runs each one
        // and checks that the documents show exactly its code.
        .executableTarget(
            name: "SubledgerExamples",
            dependencies: ["SubledgerStore", "SubledgerLedger"]
        ),
        // The store's tests: the log, its encodings, LMDB, faults and crashes, limits, proofs.
        .testTarget(
            name: "SubledgerStoreTests",
            dependencies: [
                "SubledgerStore", "SubledgerStoreTesting", "SubledgerPostgres",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"), .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The ledger's tests, rule by rule, with the replay's renderings and the demo's generator.
        .testTarget(
            name: "SubledgerLedgerTests",
            dependencies: [
                "SubledgerLedger", "SubledgerStore", "SubledgerStoreTesting", "SubledgerReports", "SubledgerDemo",
                "SubledgerTesting",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        // SubledgerTesting as a service's tests use it: its public API and the ledger's, nothing else.
        .testTarget(
            name: "SubledgerTestingTests",
            dependencies: ["SubledgerTesting", "SubledgerLedger", "SubledgerStore"]
        ),
        // The service's tests: in process (HummingbirdTesting) and against the server on a loopback port.
        .testTarget(
            name: "SubledgerServerTests",
            dependencies: [
                "SubledgerServer", "SubledgerLedger", "SubledgerStore", "SubledgerStoreTesting", "subledger-server",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command line's tests, run as a person runs it (the built binary), and the export verifier's.
        .testTarget(
            name: "SubledgerCLITests",
            dependencies: [
                "subledger", "SubledgerExamples", "SubledgerLedger", "SubledgerPostgres", "SubledgerStore",
                "SubledgerStoreTesting", "SubledgerVerify",
            ]
        ),
    ]
)

// The strict checks that swift-log turns on, for every target of ours.
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    target.swiftSettings = settings
}
