// swift-tools-version:6.2

import PackageDescription

// The benchmark of issue 2, item 7: subledger's append and read against raw LMDB (the
// limit) and SQLite through GRDB; and of issue 5, item 4: the figures of a generated store
// at scale (the release `subledger` binary and the library). Run it with
// `bash tools/bench.sh` from the repository.
let package = Package(
    name: "subledger-benchmark",
    dependencies: [
        // Named, so that the checkout folder's name (its identity) does not matter.
        .package(name: "subledger", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // The root package's CLMDB is not a product, so the benchmark brings its own.
        .systemLibrary(
            name: "CBenchLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .executableTarget(
            name: "subledger-bench",
            dependencies: [
                "CBenchLMDB",
                .product(name: "SubledgerStore", package: "subledger"),
                .product(name: "SubledgerLedger", package: "subledger"),
                .product(name: "SubledgerPostgres", package: "subledger"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
