// swift-tools-version:5.9
// The Swift binding of werkex: a thin, idiomatic layer over the C ABI (mobile-shims/c/werkex.h).
//
// The C library comes prebuilt as CWerkex.xcframework (a static libwerkex.a per platform plus
// werkex.h and a module map), made by mobile-shims/ios/build-xcframework.sh. A binary target
// is the one form SwiftPM supports for a prebuilt static library on iOS: a system-library
// target would need the library on the linker's search path of the machine building the app,
// and a C target cannot carry a prebuilt archive (only unsafeFlags, which SwiftPM refuses in
// dependencies). See mobile-shims/README.md.
import PackageDescription

let package = Package(
    name: "Werkex",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Werkex", targets: ["Werkex"]),
    ],
    targets: [
        // Run mobile-shims/ios/build-xcframework.sh first; it writes CWerkex.xcframework here.
        .binaryTarget(name: "CWerkex", path: "CWerkex.xcframework"),
        .target(
            name: "Werkex",
            dependencies: ["CWerkex"],
            linkerSettings: [
                // libwerkex.a is C++ over SQLite: the app links the SDK's SQLite and libc++.
                // (libsodium is merged into libwerkex.a by the build script.)
                .linkedLibrary("sqlite3"),
                .linkedLibrary("c++"),
            ]
        ),
        // Runs on the iOS simulator: xcodebuild test (see mobile-shims/README.md).
        .testTarget(name: "WerkexTests", dependencies: ["Werkex", "CWerkex"]),
    ]
)
