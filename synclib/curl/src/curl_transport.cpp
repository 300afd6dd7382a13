#include "werkex/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <optional>
#include <random>
#include <string_view>
#include <thread>

namespace werkex {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kMaxBackoff{5000};

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// libcurl must be initialised once per process, before any other libcurl call, and
// curl_global_init is not thread-safe in every libcurl we build against (Android builds may
// predate 7.84's thread-safe init). So it runs exactly once, under std::call_once, when the
// first CurlTransport is constructed: not at static-initialisation time, so an app that never
// makes a CurlTransport never initialises libcurl, and never per construction. This is the
// one piece of process-wide state in werkex_sync_curl and it is imposed by libcurl itself.
// curl_global_cleanup is deliberately never called: another CurlTransport, or another library
// in the process, may still use libcurl, and the OS reclaims everything at exit. If the app
// initialised libcurl already, this call only bumps libcurl's own reference count.
CURLcode global_init_once() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

// A Retry-After of delta-seconds; an HTTP-date or anything else yields nothing.
std::optional<milliseconds> parse_retry_after(std::string_view value) {
  value = trim(value);
  if (value.empty() || value.size() > 9) return std::nullopt;
  long long seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return milliseconds(seconds * 1000);
}

bool is_retried_status(long status) {
  return status == 502 || status == 503 || status == 504;
}

// Where the callbacks put one attempt's answer. They must not throw into libcurl's C frames:
// on allocation failure they record it and return 0, which aborts the transfer.
struct Sink {
  HttpResponse response;
  bool out_of_memory = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  try {
    sink->response.body.append(data, size * count);
  } catch (...) {
    sink->out_of_memory = true;
    return 0;
  }
  return size * count;
}

// Called once per header line, status lines included. A status line starts a new response
// (a 1xx interim answer before the final one), so only the last response's headers are kept.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  HttpHeaders& headers = sink->response.headers;
  const std::string_view raw(data, size * count);
  try {
    if (raw.starts_with("HTTP/")) {
      headers.clear();
    } else if ((raw.starts_with(" ") || raw.starts_with("\t")) && !headers.empty()) {
      headers.back().second.append(" ").append(trim(raw));  // obsolete line folding
    } else if (const size_t colon = raw.find(':'); colon != std::string_view::npos && colon > 0) {
      headers.emplace_back(std::string(raw.substr(0, colon)),
                           std::string(trim(raw.substr(colon + 1))));
    }
  } catch (...) {
    sink->out_of_memory = true;
    return 0;
  }
  return size * count;
}

bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == ':' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
  });
}

bool valid_header_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool append(HeaderList& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) return false;
  (void)list.release();  // `grown` is the same list, or its new head when it was empty
  list.reset(grown);
  return true;
}

Error invalid(const HttpRequest& request, const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT, request.method + " " + request.url + ": " + why);
}

Status validate(const HttpRequest& request) {
  const std::string& m = request.method;
  if (m != "GET" && m != "HEAD" && m != "POST" && m != "PUT")
    return invalid(request, "unsupported method (GET, HEAD, POST or PUT)");
  if ((m == "GET" || m == "HEAD") && !request.body.empty())
    return invalid(request, "a " + m + " request cannot carry a body");
  if (request.url.find('\0') != std::string::npos) return invalid(request, "NUL byte in URL");
  UrlHandle url(curl_url());
  if (!url) return make_error(WX_INTERNAL, "out of memory parsing a URL");
  if (CURLUcode rc = curl_url_set(url.get(), CURLUPART_URL, request.url.c_str(), 0);
      rc != CURLUE_OK)
    return invalid(request, std::string("not an absolute http(s) URL: ") + curl_url_strerror(rc));
  char* raw_scheme = nullptr;
  if (curl_url_get(url.get(), CURLUPART_SCHEME, &raw_scheme, 0) != CURLUE_OK)
    return invalid(request, "URL without a scheme");
  const CurlString scheme(raw_scheme);
  if (std::string_view(scheme.get()) != "http" && std::string_view(scheme.get()) != "https")
    return invalid(request, "not an http or https URL");
  for (const auto& [name, value] : request.headers) {
    if (!valid_header_name(name)) return invalid(request, "bad header name \"" + name + "\"");
    if (!valid_header_value(value)) return invalid(request, "bad value for header " + name);
  }
  return Status::ok();
}

// The request's headers as libcurl wants them, plus two defaults: no Expect: 100-continue
// (a round trip of latency on every large upload) and no form Content-Type on POST/PUT.
std::optional<HeaderList> build_headers(const HttpRequest& request) {
  HeaderList list;
  bool has_expect = false, has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    // The transport frames the body itself; a caller's framing headers could contradict it.
    if (equals_ignoring_case(name, "Content-Length") ||
        equals_ignoring_case(name, "Transfer-Encoding"))
      continue;
    has_expect = has_expect || equals_ignoring_case(name, "Expect");
    has_content_type = has_content_type || equals_ignoring_case(name, "Content-Type");
    // "Name;" is libcurl's spelling of a header sent with an empty value.
    if (!append(list, value.empty() ? name + ";" : name + ": " + value)) return std::nullopt;
  }
  if (!has_expect && !append(list, "Expect:")) return std::nullopt;
  const bool has_body = request.method == "POST" || request.method == "PUT";
  if (has_body && !has_content_type && !append(list, "Content-Type:")) return std::nullopt;
  return list;
}

// What becomes of a failed attempt: the werkex code and whether another attempt may help.
struct Failure {
  ErrorCode code;
  bool retry;
};

Failure classify(CURLcode rc) {
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_SSL_CACERT_BADFILE:  // options.ca_file cannot be loaded
      return {WX_INVALID_ARGUMENT, false};
    case CURLE_OUT_OF_MEMORY:
    case CURLE_WRITE_ERROR:  // a callback ran out of memory
    case CURLE_FAILED_INIT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
      return {WX_INTERNAL, false};
    case CURLE_PEER_FAILED_VERIFICATION:  // no answer we may trust (a captive portal looks
    case CURLE_SSL_CERTPROBLEM:           // like this); trying again at once will not help
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return {WX_UNAVAILABLE, false};
    default:  // refused, reset, timed out, DNS, truncated body, garbled reply, TLS handshake
      return {WX_UNAVAILABLE, true};
  }
}

}  // namespace

struct CurlTransport::Impl {
  CurlOptions options;
  CURLcode init_result = CURLE_OK;
  EasyHandle easy;
  std::minstd_rand rng;
  Sink sink;
  char error_buffer[CURL_ERROR_SIZE] = {};

  CURLcode configure(const HttpRequest& request, curl_slist* headers);
  Result<HttpResponse> attempt(const HttpRequest& request, curl_slist* headers, int number,
                               bool& retry);
  milliseconds delay_before_retry(int retry, const HttpResponse* response);
  Result<HttpResponse> send(const HttpRequest& request);
};

CURLcode CurlTransport::Impl::configure(const HttpRequest& request, curl_slist* headers) {
  CURL* h = easy.get();
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  set(CURLOPT_PROTOCOLS_STR, "http,https");
#else
  set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: required with threads
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(std::max<long long>(1, options.connect_timeout.count())));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(0, options.timeout.count())));
  if (options.low_speed_bytes > 0) {
    const long long seconds = (options.low_speed_window.count() + 999) / 1000;
    set(CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<long long>(1, seconds)));
  }
  set(CURLOPT_USERAGENT, options.user_agent.c_str());
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_SSL_VERIFYPEER, options.verify_peer ? 1L : 0L);
  set(CURLOPT_SSL_VERIFYHOST, options.verify_peer ? 2L : 0L);
  if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&sink));
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&sink));
  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {  // POST or PUT: the body straight from request.body, no copy
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.data());
    if (request.method == "PUT") set(CURLOPT_CUSTOMREQUEST, "PUT");
  }
  return rc;
}

Result<HttpResponse> CurlTransport::Impl::attempt(const HttpRequest& request, curl_slist* headers,
                                                  int number, bool& retry) {
  // Reset forgets every option (so nothing leaks from the previous request) but keeps the
  // connection cache, DNS cache and TLS sessions: keep-alive survives it.
  curl_easy_reset(easy.get());
  sink = Sink{};
  error_buffer[0] = '\0';
  retry = false;
  CURLcode rc = configure(request, headers);
  if (rc == CURLE_OK) rc = curl_easy_perform(easy.get());
  if (sink.out_of_memory) rc = CURLE_OUT_OF_MEMORY;
  if (rc != CURLE_OK) {
    const Failure failure = classify(rc);
    retry = failure.retry;
    const std::string detail = sink.out_of_memory        ? "out of memory receiving the response"
                               : error_buffer[0] != '\0' ? error_buffer
                                                         : curl_easy_strerror(rc);
    return make_error(failure.code, request.method + " " + request.url + ": " + detail +
                                        " (curl error " + std::to_string(static_cast<int>(rc)) +
                                        ", attempt " + std::to_string(number) + " of " +
                                        std::to_string(std::max(1, options.max_attempts)) + ")");
  }
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  retry = is_retried_status(status);
  sink.response.status = static_cast<int>(status);
  return std::move(sink.response);
}

milliseconds CurlTransport::Impl::delay_before_retry(int retry, const HttpResponse* response) {
  if (response != nullptr) {
    if (auto asked = parse_retry_after(response->header("Retry-After")))
      return std::min(*asked, kMaxBackoff);
  }
  milliseconds delay = std::clamp(options.backoff, milliseconds(0), kMaxBackoff);
  for (int i = 1; i < retry && delay < kMaxBackoff; ++i) delay = std::min(delay * 2, kMaxBackoff);
  if (delay.count() < 2) return delay;
  std::uniform_int_distribution<long long> jitter(delay.count() / 2, delay.count());
  return milliseconds(jitter(rng));
}

Result<HttpResponse> CurlTransport::Impl::send(const HttpRequest& request) {
  if (init_result != CURLE_OK)
    return make_error(WX_INTERNAL, std::string("libcurl initialisation failed: ") +
                                       curl_easy_strerror(init_result));
  if (!easy) return make_error(WX_INTERNAL, "curl_easy_init failed");
  WX_RETURN_IF_ERROR(validate(request));
  std::optional<HeaderList> headers = build_headers(request);
  if (!headers) return make_error(WX_INTERNAL, "out of memory building request headers");
  const int attempts = std::max(1, options.max_attempts);
  for (int number = 1;; ++number) {
    bool retry = false;
    Result<HttpResponse> result = attempt(request, headers->get(), number, retry);
    if (!retry || number >= attempts) return result;
    std::this_thread::sleep_for(delay_before_retry(number, result ? &result.value() : nullptr));
  }
}

CurlTransport::CurlTransport(CurlOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->init_result = global_init_once();
  if (impl_->init_result == CURLE_OK) impl_->easy.reset(curl_easy_init());
  try {
    impl_->rng.seed(std::random_device{}());
  } catch (...) {  // no entropy source: jitter only needs to differ between devices a little
    impl_->rng.seed(static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(impl_.get())));
  }
}

CurlTransport::~CurlTransport() = default;

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  try {
    return impl_->send(request);
  } catch (const std::bad_alloc&) {
    return make_error(WX_INTERNAL, "out of memory sending " + request.url);
  } catch (const std::exception& e) {
    return make_error(WX_INTERNAL,
                      std::string("unexpected exception in CurlTransport: ") + e.what());
  } catch (...) {
    return make_error(WX_INTERNAL, "unexpected exception in CurlTransport");
  }
}

}  // namespace werkex
