// `werkex-admin nightly …`: the nightly school sync's client (nightly.cpp). Separate from the
// --data commands because it never opens the server's files: it talks to the running server.
#pragma once

namespace werkex::admin {

// argv holds the arguments after "nightly". Returns the process exit code.
int nightly_main(int argc, char** argv);

}  // namespace werkex::admin
