// Example only (not built on the project's machines): the app module of an Android app that
// builds werkex from source with the NDK, through Gradle's externalNativeBuild, and uses the
// Java binding (package nl.werkex) from Kotlin. See mobile-shims/README.md, "Android".
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

// Where werkex lives: this repository's root as seen from mobile-shims/android/app. In an app,
// typically a git submodule, e.g. rootProject.file("third_party/werkex").
val werkexDir: File = file("../../..")
// Prebuilt native dependencies (see the README): sqlite/sqlite3.c + sqlite3.h (the amalgamation),
// include/nlohmann/json.hpp, and per ABI <abi>/include/sodium.h + <abi>/lib/libsodium.a.
val werkexDeps: File = rootProject.file("third_party/werkex-deps")

android {
    namespace = "nl.werkex.example"
    compileSdk = 35
    ndkVersion = "27.2.12479018"  // any NDK with C++20 and std::filesystem (r23+) will do

    defaultConfig {
        applicationId = "nl.werkex.example"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"

        ndk {
            abiFilters += listOf("arm64-v8a", "x86_64")  // phones, and the emulator
        }
        externalNativeBuild {
            cmake {
                // Only the JNI library (libwerkex_jni.so, the C ABI linked in statically).
                targets += "werkex_jni"
                arguments += listOf(
                    // No server (Boost, OpenSSL), no CLI/admin/bench, no Catch2 tests.
                    "-DWERKEX_BUILD_SERVER=OFF",
                    "-DWERKEX_BUILD_TOOLS=OFF",
                    "-DWERKEX_BUILD_TESTS=OFF",
                    // No libcurl: the app syncs through OkHttp (Transport.of(...)).
                    "-DWERKEX_WITH_CURL=OFF",
                    // Proposed options (README): SQLite compiled from the amalgamation, since
                    // the NDK has no libsqlite; libsodium and nlohmann/json from werkexDeps.
                    "-DWERKEX_SQLITE_AMALGAMATION=${werkexDeps.resolve("sqlite")}",
                    "-DWERKEX_DEPS_ROOT=$werkexDeps",
                )
            }
        }
    }

    externalNativeBuild {
        cmake {
            path = werkexDir.resolve("CMakeLists.txt")
            version = "3.30.5"  // >= 3.25, which the top-level CMakeLists.txt requires
        }
    }

    sourceSets {
        getByName("main") {
            java.srcDir(werkexDir.resolve("mobile-shims/jni/java"))  // nl.werkex.*
            java.srcDir("../example")  // WerkexExample.kt
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions {
        jvmTarget = "17"
    }
}

dependencies {
    implementation("com.squareup.okhttp3:okhttp:4.12.0")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.1")
}
