#include "cli.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "werkex/people.hpp"

namespace werkex::cli {

namespace {

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): nlohmann throws
// when it serialises anything else, which would happen deep inside Replica::put.
bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0, min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; people need only
// the part after it.
std::string without_exception_tag(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    size_t end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return std::string(what);
}

}  // namespace

Outcome::Outcome(const Status& status) {
  if (status.is_ok()) return;
  *this = Outcome(status.error());
}

Outcome::Outcome(const Error& error)
    : exit_code_(exit_code_for(error.code)),
      name_(error_code_name(error.code)),
      message_(error.message),
      error_(error) {
  // An Error carrying WX_OK would read as success; it is a bug wherever it was made.
  if (error.code == WX_OK) exit_code_ = exit_code_for(WX_INTERNAL);
}

std::string Outcome::message_in(Language lang) const {
  return error_ ? localized_message(*error_, lang) : message_;
}

Outcome Outcome::usage(std::string message) {
  Outcome o;
  o.exit_code_ = kExitUsage;
  o.name_ = "usage";
  o.message_ = std::move(message) + " (see 'werkex help')";
  return o;
}

Outcome Args::parse(std::string_view command, std::span<const OptionSpec> specs,
                    std::span<char* const> argv, Args& out) {
  std::string cmd(command);
  auto find = [&](std::string_view name) -> const OptionSpec* {
    for (const OptionSpec& s : specs)
      if (s.name == name) return &s;
    return nullptr;
  };
  bool options_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string_view arg = argv[i];
    if (options_done || arg.size() < 2 || arg.substr(0, 2) != "--") {
      if (!is_utf8(arg))
        return make_error(WX_INVALID_ARGUMENT, cmd + ": an operand is not valid UTF-8");
      out.operands_.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> inline_value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = find(name);
    if (!spec) return Outcome::usage(cmd + ": unknown option '--" + std::string(name) + "'");
    std::string key(name);
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = std::string(*inline_value);
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return Outcome::usage(cmd + ": option '--" + key + "' needs a value");
      }
      if (!is_utf8(value))
        return make_error(WX_INVALID_ARGUMENT,
                          cmd + ": the value of '--" + key + "' is not valid UTF-8");
    } else if (inline_value) {
      return Outcome::usage(cmd + ": option '--" + key + "' takes no value");
    }
    auto& slot = out.options_[key];
    if (!slot.empty() && !spec->repeatable)
      return Outcome::usage(cmd + ": option '--" + key + "' given more than once");
    slot.push_back(std::move(value));
  }
  for (const OptionSpec& s : specs)
    if (s.required && !out.has(s.name))
      return Outcome::usage(cmd + ": option '--" + std::string(s.name) + "' is required");
  return Outcome();
}

std::string Args::value(std::string_view name, std::string fallback) const {
  auto it = options_.find(std::string(name));
  return it == options_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::values(std::string_view name) const {
  auto it = options_.find(std::string(name));
  return it == options_.end() ? std::vector<std::string>{} : it->second;
}

Status check_json_depth(std::string_view text, ErrorCode code, std::string_view what) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return make_error(code, std::string(what) + ": JSON nested deeper than " +
                                    std::to_string(kMaxJsonDepth) + " levels");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Status::ok();
}

Result<std::string> read_input(const std::string& path) {
  if (path == "-") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    if (std::cin.bad()) return make_error(WX_IO, "cannot read standard input");
    return buf.str();
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return make_error(err == ENOENT ? WX_NOT_FOUND : WX_IO,
                      "cannot read '" + path + "': " + (err ? std::strerror(err) : "cannot open"));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(WX_IO, "cannot read '" + path + "'");
  return text;
}

Result<json> read_json_arg(std::string_view option, const std::string& arg) {
  std::string text = arg;
  if (arg == "-" || (!arg.empty() && arg.front() == '@')) {
    WX_ASSIGN_OR_RETURN(text, read_input(arg == "-" ? arg : arg.substr(1)));
  }
  WX_RETURN_IF_ERROR(check_json_depth(text, WX_INVALID_ARGUMENT, "--" + std::string(option)));
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400 (fuzzing)
    return make_error(WX_INVALID_ARGUMENT, "--" + std::string(option) + ": not valid JSON: " +
                                               without_exception_tag(e.what()));
  }
}

Result<json> read_extra_fields(const Args& args, std::string_view option) {
  if (!args.has(option)) return json::object();
  WX_ASSIGN_OR_RETURN(json extra, read_json_arg(option, args.value(option)));
  if (!extra.is_object())
    return make_error(WX_INVALID_ARGUMENT, "--" + std::string(option) +
                                               ": expected a JSON object of extra fields, got " +
                                               std::string(extra.type_name()));
  return extra;
}

Outcome parse_count(const Args& args, std::string_view option, uint64_t fallback, uint64_t& out) {
  out = fallback;
  if (!args.has(option)) return Outcome();
  std::string v = args.value(option);
  bool digits =
      !v.empty() && v.size() <= 19 && v.find_first_not_of("0123456789") == std::string::npos;
  if (!digits)
    return Outcome::usage("--" + std::string(option) + ": expected a non-negative integer, got '" +
                          v + "'");
  out = std::stoull(v);
  return Outcome();
}

void print_json(Context& ctx, const json& value) {
  ctx.out << value.dump(2) << '\n';
}

void print_line(Context& ctx, std::string_view line) {
  ctx.out << line << '\n';
}

Outcome dossier_option(Context& ctx, const Args& args, std::string& bucket) {
  if (args.has("pupil") && args.has("bucket"))
    return Outcome::usage("give --pupil or --bucket, not both");
  if (!args.has("pupil")) {
    bucket = args.value("bucket");
    return Outcome();
  }
  WX_ASSIGN_OR_RETURN(bucket, pupil_bucket(*ctx.replica, args.value("pupil")));
  return Outcome();
}

}  // namespace werkex::cli
