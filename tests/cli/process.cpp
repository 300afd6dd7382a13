#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

extern char** environ;

namespace werkex::test {

namespace {

// Closes a descriptor once, at scope end at the latest.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Pipe {
  Fd read, write;
};

void make_pipe(Pipe& p) {
  int fds[2];
  // CLOEXEC: the child gets only the ends dup2'ed onto 0, 1 and 2, so it sees EOF on stdin
  // once we close our end, and we see EOF on its output once it exits.
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  p.read = Fd(fds[0]);
  p.write = Fd(fds[1]);
}

std::vector<std::string> child_environment(const ProcessOptions& options) {
  auto drop = [&](const std::string& entry) {
    std::string name = entry.substr(0, entry.find('='));
    // The tests' own database and language: a developer's Dutch locale must not turn the
    // English messages the tests read into Dutch ones (a test asks for nl with --lang).
    if (name == "WERKEX_DB" || name == "WERKEX_LANG" || name == "LC_ALL" || name == "LC_MESSAGES" ||
        name == "LANG")
      return true;
    for (const auto& [k, v] : options.env)
      if (name == k) return true;
    return false;
  };
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (!drop(*e)) env.emplace_back(*e);
  for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string describe(const std::vector<std::string>& args) {
  std::string out = "werkex";
  for (const std::string& a : args) out += " '" + a + "'";
  return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  // A child that exits before reading all its input must not kill the test with SIGPIPE.
  static const bool sigpipe_ignored = (::signal(SIGPIPE, SIG_IGN), true);
  (void)sigpipe_ignored;

  Pipe in, out, err;
  make_pipe(in);
  make_pipe(out);
  make_pipe(err);
  posix_spawn_file_actions_t actions;
  REQUIRE(posix_spawn_file_actions_init(&actions) == 0);
  posix_spawn_file_actions_adddup2(&actions, in.read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
  std::vector<std::string> args = argv, env = child_environment(options);
  std::vector<char*> c_args = c_strings(args), c_env = c_strings(env);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  INFO("spawning " << argv.at(0));
  REQUIRE(rc == 0);
  in.read.reset();
  out.write.reset();
  err.write.reset();

  // Feed stdin and drain both outputs together: a child blocked on a full stderr pipe while
  // we wait on its stdout would otherwise deadlock.
  ProcessResult result;
  std::string_view pending = options.input;
  if (pending.empty()) in.write.reset();
  char buf[65536];
  while (out.read.get() >= 0 || err.read.get() >= 0) {
    pollfd fds[3] = {
        {out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}, {in.write.get(), POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      REQUIRE(errno == EINTR);
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0)
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      else if (n == 0 || errno != EINTR)
        (i == 0 ? out.read : err.read).reset();
    }
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(fds[2].fd, pending.data(), std::min<size_t>(pending.size(), 4096));
      if (n > 0) pending.remove_prefix(static_cast<size_t>(n));
      if (pending.empty() || (n < 0 && errno != EINTR && errno != EAGAIN)) in.write.reset();
    }
  }
  in.write.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) REQUIRE(errno == EINTR);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.crashed = true;
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

ProcessResult run_cli(const std::vector<std::string>& args, const ProcessOptions& options) {
  std::vector<std::string> argv = {WERKEX_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, options);
  INFO(describe(args) << "\nstderr: " << r.err);
  CHECK_FALSE(r.crashed);
  return r;
}

ProcessResult Device::run(const std::vector<std::string>& args,
                          const ProcessOptions& options) const {
  std::vector<std::string> full = {"--db", db_};
  full.insert(full.end(), args.begin(), args.end());
  return run_cli(full, options);
}

std::string Device::ok(const std::vector<std::string>& args, const ProcessOptions& options) const {
  ProcessResult r = run(args, options);
  INFO(describe(args) << " on " << db_ << "\nexit " << r.exit_code << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  std::string out = r.out;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

nlohmann::json Device::ok_json(const std::vector<std::string>& args) const {
  std::string out = ok(args);
  INFO(describe(args) << " printed: " << out);
  auto j = nlohmann::json::parse(out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::string Device::dump() const {
  ProcessResult r = run({"dump"});
  INFO("dump of " << db_ << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void expect_failure(const ProcessResult& r, int exit_code, const std::string& code_name,
                    const std::vector<std::string>& needles) {
  INFO("stderr: " << r.err << "\nstdout: " << r.out);
  CHECK(r.exit_code == exit_code);
  CHECK_THAT(r.err, Catch::StartsWith("werkex: " + code_name + ": "));
  for (const std::string& n : needles) CHECK_THAT(r.err, Catch::Contains(n));
  CHECK(r.out.empty());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  INFO("writing " << path);
  REQUIRE(f.good());
}

}  // namespace werkex::test
