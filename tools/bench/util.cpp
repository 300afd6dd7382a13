// werkex-bench helpers: temp dir, memory figures, child processes, sample data.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>

#include "bench.hpp"
#include "werkex/dossier.hpp"

namespace bench {

void check(const werkex::Status& s, const std::string& what) {
  if (!s) throw Failure(what + ": " + s.error().to_string());
}

void progress(const std::string& line) {
  if (isatty(STDERR_FILENO)) std::cerr << "werkex-bench: " << line << std::endl;
}

std::string fmt(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

double rounded(double v, int decimals) {
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return static_cast<double>(static_cast<long long>(v * scale + (v < 0 ? -0.5 : 0.5))) / scale;
}

const char* verdict(bool ok) {
  return ok ? "ok" : "MISSED";
}

TempDir::TempDir(const std::string& base) : owner_pid_(getpid()) {
  std::string tmpl = (std::filesystem::path(base) / "werkex-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    throw Failure("cannot create a temp dir under '" + base + "': " + std::strerror(errno));
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (getpid() != owner_pid_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * double(v.size())));
  return v[std::min(i == 0 ? 0 : i - 1, v.size() - 1)];
}

double proc_status_mb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t len = std::strlen(key);
  while (std::getline(in, line)) {
    if (line.compare(0, len, key) == 0) return std::stod(line.substr(len)) / 1024.0;  // kB
  }
  return -1;
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // Linux: kB
}

std::string run_in_child(const std::string& what, const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) throw Failure("pipe: " + std::string(std::strerror(errno)));
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw Failure("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    try {
      std::string out = fn();
      for (size_t done = 0; done < out.size();) {
        ssize_t n = write(fds[1], out.data() + done, out.size() - done);
        if (n <= 0) throw Failure("write to parent: " + std::string(std::strerror(errno)));
        done += static_cast<size_t>(n);
      }
    } catch (const std::exception& e) {
      std::cerr << "werkex-bench: " << what << ": " << e.what() << std::endl;
      code = 1;
    }
    _exit(code);
  }
  close(fds[1]);
  std::string result;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n > 0)
      result.append(buf, static_cast<size_t>(n));
    else if (errno != EINTR)
      break;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Failure("waitpid: " + std::string(std::strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Failure(what + " failed in a child process");
  return result;
}

namespace {

const char* const kWords[] = {"vandaag",   "mocht",     "ik",     "meelopen", "met",
                              "een",       "monteur",   "bij",    "het",      "garagebedrijf",
                              "we",        "hebben",    "samen",  "een",      "auto",
                              "nagekeken", "en",        "de",     "remmen",   "vervangen",
                              "ik",        "vond",      "het",    "leuk",     "om",
                              "met",       "mijn",      "handen", "te",       "werken",
                              "de",        "klant",     "was",    "blij",     "omdat",
                              "alles",     "snel",      "klaar",  "was",      "collega's",
                              "helpen",    "elkaar",    "als",    "iets",     "niet",
                              "lukt",      "daarna",    "heb",    "ik",       "gevraagd",
                              "hoe",       "je",        "eerste", "monteur",  "wordt",
                              "welke",     "opleiding", "nodig",  "is",       "morgen"};
const char* const kEmotions[] = {"trots", "blij", "geraakt", "nieuwsgierig", "verrast", "onzeker"};
const char* const kCompetencies[] = {"kwaliteitenreflectie", "motievenreflectie", "werkexploratie",
                                     "loopbaansturing", "netwerken"};
const char* const kRoleModels[] = {"Sanne de Vries, monteur", "Ahmed Yilmaz, bakker",
                                   "Ineke Bos, verpleegkundige", "Jeroen Smit, timmerman"};

std::string sentence(std::mt19937_64& rng, size_t min_chars) {
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::string out;
  while (out.size() < min_chars) {
    if (!out.empty()) out += ' ';
    out += kWords[pick(rng)];
  }
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out + '.';
}

std::string rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::vector<Experience> make_experiences(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Experience> out;
  out.reserve(n);
  const std::time_t start = 1767225600;  // 2026-01-01T00:00:00Z
  for (size_t i = 0; i < n; ++i) {
    Experience e;
    e.occurred_at = rfc3339(start + static_cast<std::time_t>(i) * 1800);
    e.note = sentence(rng, 200);
    e.emotion = kEmotions[rng() % std::size(kEmotions)];
    e.emotion_note = sentence(rng, 60);
    e.observed_goals = sentence(rng, 120);
    e.role_model = kRoleModels[rng() % std::size(kRoleModels)];
    size_t c = rng() % std::size(kCompetencies);
    e.competencies = {kCompetencies[c],
                      kCompetencies[(c + 1 + rng() % 4) % std::size(kCompetencies)]};
    out.push_back(std::move(e));
  }
  return out;
}

werkex::Identity bench_pupil() {
  const std::string user = "0190a000-0000-7000-8000-000000000b01";
  return werkex::Identity{user, "pupil", "pupil:" + user, "school:bench"};
}

std::unique_ptr<werkex::Replica> open_pupil_replica(const std::string& path, bool durable) {
  werkex::ReplicaOptions options;
  options.durable = durable;
  auto replica = check(werkex::Replica::open(path, options), "open " + path);
  check(replica->set_identity(bench_pupil()), "set identity");
  return replica;
}

std::string plan_activity(werkex::Replica& replica, size_t i) {
  werkex::Dossier dossier(replica);
  werkex::ActivityPlan plan;
  plan.kind = "meeloopdag";
  plan.title = "Meelopen bij bedrijf " + std::to_string(i + 1);
  plan.builds_on = "Wat ik in de vorige stage over mezelf heb geleerd";
  plan.expected_yield = "Weten of technisch werk bij mij past";
  plan.use_of_yield = "Bespreken met mijn mentor bij het kiezen van een profiel";
  return check(dossier.plan_activity(plan), "plan activity");
}

}  // namespace bench
