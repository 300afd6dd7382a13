// One connection: read a request, run its handler on the worker pool, write the answer,
// repeat while keep-alive holds. Everything a session does runs on its own strand, except the
// handler, which reads req_ on a worker thread while the strand leaves req_ alone (the post
// back to the strand orders the two).
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "server_core.hpp"

namespace werkex::http::detail {
namespace {

enum class State { handshake, idle, reading, handling, writing, closing };

// Between a Connection: close answer and the socket's close, keep draining what the client
// still sends for this long, so the close does not become a reset that destroys the answer
// in the client's receive buffer (a 413 arrives while the body is still on its way).
constexpr std::chrono::seconds kLinger{2};
constexpr size_t kReadChunk = 8 * 1024;

std::string format_endpoint(const tcp::endpoint& ep) {
  std::string ip = ep.address().to_string();
  if (ep.address().is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(ep.port());
}

bool benign(const beast::error_code& ec) {
  return ec == net::error::eof || ec == net::error::operation_aborted ||
         ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message;
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <class... Args>
  Session(ServerCore& core, std::string remote, Args&&... args)
      : core_(core), remote_(std::move(remote)), stream_(std::forward<Args>(args)...) {}
  ~Session() override { core_.session_closed(this); }

  void run() {
    net::dispatch(strand_, [self = this->shared_from_this()] { self->on_run(); });
  }

  void shutdown() override {
    net::post(strand_, [self = this->shared_from_this()] {
      self->stopping_ = true;
      // Between requests nothing is owed to the client; a request being read or handled is
      // answered first and closes then (do_read checks stopping_).
      if (self->state_ == State::idle || self->state_ == State::handshake) self->lowest().cancel();
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  template <class F>
  auto bind(F f) {
    return beast::bind_front_handler(f, this->shared_from_this());
  }

  void fail(beast::error_code ec, const char* stage) {
    if (benign(ec) || (kTls && ec == net::ssl::error::stream_truncated)) return;
    core_.metrics.add("werkex_http_connection_errors_total", Metrics::label("stage", stage));
  }

  void on_run() {
    if constexpr (kTls) {
      state_ = State::handshake;
      lowest().expires_after(core_.options.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server, bind(&Session::on_handshake));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "handshake");
    do_read();
  }

  void do_read() {
    if (stopping_ || core_.stopping()) return do_close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_.options.header_limit));
    parser_->body_limit(core_.options.body_limit);
    req_ = {};
    if (buffer_.size() > 0) return do_read_header();
    // Wait for the first byte separately: until it comes the connection is idle (idle_timeout,
    // closed at once by a shutdown); from then on a request is in flight (read_timeout).
    state_ = State::idle;
    lowest().expires_after(core_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk), bind(&Session::on_idle_read));
  }

  void on_idle_read(beast::error_code ec, size_t n) {
    if (ec == beast::error::timeout) return;  // an idle keep-alive connection expiring is normal
    if (ec) return fail(ec, "idle");
    buffer_.commit(n);
    do_read_header();
  }

  void do_read_header() {
    state_ = State::reading;
    started_ = std::chrono::steady_clock::now();
    deadline_ = started_ + core_.options.read_timeout;
    req_bytes_ = 0;
    lowest().expires_at(deadline_);
    bhttp::async_read_header(stream_, buffer_, *parser_, bind(&Session::on_header));
  }

  void on_header(beast::error_code ec, size_t n) {
    req_bytes_ += n;
    if (ec) return on_read_error(ec);
    const auto& h = parser_->get();
    if (h.version() >= 11 && !parser_->is_done() &&
        beast::iequals(h[bhttp::field::expect], "100-continue")) {
      // curl and others wait up to a second for this before sending a body.
      continue_.emplace(bhttp::status::continue_, h.version());
      lowest().expires_after(core_.options.write_timeout);
      return bhttp::async_write(stream_, *continue_, bind(&Session::on_continue));
    }
    do_read_body();
  }

  void on_continue(beast::error_code ec, size_t) {
    continue_.reset();
    if (ec) return fail(ec, "write");
    deadline_ = std::chrono::steady_clock::now() + core_.options.read_timeout;
    do_read_body();
  }

  void do_read_body() {
    lowest().expires_at(deadline_);  // one deadline for the whole request: no slowloris
    bhttp::async_read(stream_, buffer_, *parser_, bind(&Session::on_read));
  }

  void on_read(beast::error_code ec, size_t n) {
    req_bytes_ += n;
    if (ec) return on_read_error(ec);
    req_ = parser_->release();
    route_ = core_.router.match_pattern(req_);
    state_ = State::handling;
    net::post(core_.workers, [self = this->shared_from_this()] {
      RequestLog log;
      log.client_address = self->remote_.substr(0, self->remote_.rfind(':'));
      Response res;
      try {
        res = self->core_.router.handle(self->req_, log);
      } catch (...) {  // only allocation failures get here: Router::handle catches the rest
        res = Response(bhttp::status::internal_server_error, self->req_.version());
      }
      net::post(self->strand_, [self, res = std::move(res), log = std::move(log)]() mutable {
        self->log_ = std::move(log);
        self->do_write(std::move(res));
      });
    });
  }

  void on_read_error(beast::error_code ec) {
    if (ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category() ||
        benign(ec)) {
      return fail(ec, "read");
    }
    if (parser_->is_header_done()) {
      req_.base() = parser_->get().base();
      route_ = core_.router.match_pattern(req_);
    } else {
      route_ = "unmatched";
    }
    Response res;
    if (ec == bhttp::error::body_limit) {
      res = error_response(
          req_, make_error(WX_TOO_LARGE, "the request body exceeds " +
                                             std::to_string(core_.options.body_limit) + " bytes"));
    } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      res = error_response(
          req_,
          make_error(WX_TOO_LARGE, "the request headers exceed " +
                                       std::to_string(core_.options.header_limit) + " bytes"));
      res.result(bhttp::status::request_header_fields_too_large);
    } else {
      res = error_response(req_,
                           make_error(WX_INVALID_ARGUMENT, "malformed request: " + ec.message()));
    }
    res.keep_alive(false);  // the rest of the stream cannot be trusted to frame a request
    log_ = {};
    do_write(std::move(res));
  }

  void do_write(Response res) {
    if (stopping_ || core_.stopping() || !req_.keep_alive()) res.keep_alive(false);
    if (!res.has_content_length() && !res.chunked()) res.prepare_payload();
    state_ = State::writing;
    res_ = std::move(res);
    lowest().expires_after(core_.options.write_timeout);
    bhttp::async_write(stream_, *res_, bind(&Session::on_write));
  }

  void on_write(beast::error_code ec, size_t n) {
    Exchange x;
    x.remote = remote_;
    x.method = std::string(req_.method_string());
    x.path = std::string(Router::path_of(req_.target()));
    x.route = route_;
    x.status = res_->result_int();
    x.req_bytes = req_bytes_;
    x.resp_bytes = n;
    x.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    x.log = std::move(log_);
    core_.record(x);
    bool close = res_->need_eof();
    res_.reset();
    req_ = {};
    if (ec) return fail(ec, "write");
    if (close) return do_close();
    do_read();
  }

  void do_close() {
    state_ = State::closing;
    if constexpr (kTls) {
      lowest().expires_after(std::min<std::chrono::seconds>(core_.options.write_timeout, kLinger));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->lowest().close(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().expires_after(kLinger);
      do_linger();
    }
  }

  void do_linger() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->do_linger();
                            });
  }

  ServerCore& core_;
  const std::string remote_;
  Stream stream_;
  // The socket was accepted onto a fresh strand; posting here serializes with its handlers.
  net::any_io_executor strand_ = stream_.get_executor();
  State state_ = State::idle;
  bool stopping_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  Request req_;
  std::optional<Response> res_;
  std::string route_;
  RequestLog log_;
  size_t req_bytes_ = 0;
  std::chrono::steady_clock::time_point started_, deadline_;
  std::array<char, 4096> discard_;
};

}  // namespace

void start_session(ServerCore& core, tcp::socket socket) {
  // `socket` must have been accepted onto its own strand (async_accept(make_strand(ioc))).
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);  // one answer per request: Nagle only delays it
  auto ep = socket.remote_endpoint(ec);
  std::string remote = ec ? "unknown" : format_endpoint(ep);
  auto launch = [&core](auto session) {
    core.session_opened(session);
    session->run();
  };
  if (core.ssl) {
    launch(std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        core, std::move(remote), std::move(socket), *core.ssl));
  } else {
    launch(
        std::make_shared<Session<beast::tcp_stream>>(core, std::move(remote), std::move(socket)));
  }
}

}  // namespace werkex::http::detail
