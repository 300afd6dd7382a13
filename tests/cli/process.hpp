// Running the werkex CLI as a child process, and a replica "device" driven through it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace werkex::test {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number if the child was killed by a signal
  bool crashed = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string input;                                     // written to the child's stdin
  std::vector<std::pair<std::string, std::string>> env;  // set (or replace) in its environment
};

inline ProcessOptions with_input(std::string input) {
  return {std::move(input), {}};
}
inline ProcessOptions with_env(std::string name, std::string value) {
  return {{}, {{std::move(name), std::move(value)}}};
}

// Runs argv[0] (a path, not looked up in PATH) with the arguments, without a shell, and
// collects stdout, stderr and the exit status. The child inherits this process's
// environment minus WERKEX_DB (so a developer's setting cannot leak into tests), plus
// `options.env`. Fails the test if the process cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The CLI under test with "--db PATH" in front of every command.
class Device {
 public:
  explicit Device(std::string db) : db_(std::move(db)) {}

  const std::string& db() const { return db_; }
  ProcessResult run(const std::vector<std::string>& args, const ProcessOptions& options = {}) const;
  // Runs a command that must succeed; returns its stdout without the final newline.
  std::string ok(const std::vector<std::string>& args, const ProcessOptions& options = {}) const;
  nlohmann::json ok_json(const std::vector<std::string>& args) const;
  // The exact bytes of `dump`.
  std::string dump() const;

 private:
  std::string db_;
};

// Runs the CLI with exactly these arguments (no --db added).
ProcessResult run_cli(const std::vector<std::string>& args, const ProcessOptions& options = {});

// Checks a failed run: the exit code, "werkex: <code name>: " on stderr with every one of
// `needles`, nothing on stdout.
void expect_failure(const ProcessResult& r, int exit_code, const std::string& code_name,
                    const std::vector<std::string>& needles);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace werkex::test
