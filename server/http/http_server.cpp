#include "http_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

#include "server_core.hpp"

namespace werkex::http {

using detail::net::ip::tcp;
namespace net = detail::net;

// The acceptor, the signal set and both timers share one strand, so accepting, signals and
// the start of a shutdown never race each other.
struct HttpServer::Impl {
  Impl(ServerOptions o, const Router& r, Metrics& m, AccessLog log)
      : core(std::move(o), r, m, std::move(log)),
        acceptor(net::make_strand(core.ioc)),
        signals(acceptor.get_executor()),
        grace(acceptor.get_executor()),
        accept_retry(acceptor.get_executor()) {}

  Status start();
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void on_signal(beast::error_code ec, int);
  void begin_shutdown();
  void run_io();

  detail::ServerCore core;  // first: every I/O object below runs on core.ioc
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace;
  net::steady_timer accept_retry;
  unsigned short port = 0;
  bool started = false;
  bool shutting_down = false;  // on the acceptor's strand
};

Status HttpServer::Impl::start() {
  const ServerOptions& o = core.options;
  if (started) return make_error(WX_INVALID_ARGUMENT, "the server is already started");
  if (o.io_threads < 1 || o.worker_threads < 1) {
    return make_error(WX_INVALID_ARGUMENT, "io_threads and worker_threads must be at least 1");
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return make_error(WX_INVALID_ARGUMENT, "TLS needs both a certificate and a key file");
  }
  beast::error_code ec;
  if (!o.tls_cert_file.empty()) {
    auto& ctx = core.ssl.emplace(net::ssl::context::tls_server);
    ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    ctx.use_certificate_chain_file(o.tls_cert_file, ec);
    std::string what = "TLS certificate " + o.tls_cert_file;
    if (!ec) {
      ctx.use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
      what = "TLS key " + o.tls_key_file;
    }
    if (ec) {
      core.ssl.reset();
      return make_error(WX_INVALID_ARGUMENT, what + ": " + ec.message());
    }
  }
  auto address = net::ip::make_address(o.address, ec);
  if (ec) {
    return make_error(WX_INVALID_ARGUMENT, "listen address '" + o.address + "': " + ec.message());
  }
  tcp::endpoint ep(address, o.port);
  std::string where = o.address + ":" + std::to_string(o.port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return make_error(WX_IO, "cannot listen on " + where + ": " + ec.message());
  }
  port = acceptor.local_endpoint(ec).port();
  started = true;
  do_accept();  // no I/O thread runs yet, so touching the acceptor here races with nothing
  return Status::ok();
}

void HttpServer::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(core.ioc),
                        beast::bind_front_handler(&Impl::on_accept, this));
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (shutting_down || ec == net::error::operation_aborted) return;  // socket closes itself
  if (ec) {
    // Out of file descriptors and the like: retrying at once would spin.
    core.metrics.add("werkex_http_connection_errors_total", Metrics::label("stage", "accept"));
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([this](beast::error_code e) {
      if (!e && !shutting_down) do_accept();
    });
    return;
  }
  detail::start_session(core, std::move(socket));
  do_accept();
}

void HttpServer::Impl::on_signal(beast::error_code ec, int) {
  if (ec) return;
  if (shutting_down) {
    core.ioc.stop();  // a second signal: the operator does not want to wait
    return;
  }
  begin_shutdown();
  signals.async_wait(beast::bind_front_handler(&Impl::on_signal, this));
}

void HttpServer::Impl::begin_shutdown() {
  if (shutting_down) return;
  shutting_down = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  grace.expires_after(core.options.shutdown_grace);
  grace.async_wait([this](beast::error_code ec) {
    if (!ec) core.ioc.stop();
  });
  core.begin_shutdown();
}

void HttpServer::Impl::run_io() {
  // A throwing completion handler is a bug, but it must not terminate the process and cut
  // every other connection: report it and keep serving.
  for (;;) {
    try {
      core.ioc.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "werkex http: an I/O handler threw: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "werkex http: an I/O handler threw\n");
    }
  }
}

HttpServer::HttpServer(ServerOptions options, const Router& router, Metrics& metrics,
                       AccessLog access_log)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, std::move(access_log))) {}

HttpServer::~HttpServer() {
  impl_->core.tear_down();
  impl_->core.workers.stop();
  impl_->core.workers.join();
}

Status HttpServer::start() {
  return impl_->start();
}

unsigned short HttpServer::port() const {
  return impl_->port;
}

void HttpServer::run_until_signal() {
  if (!impl_->started) return;
  beast::error_code ec;
  impl_->signals.add(SIGINT, ec);
  impl_->signals.add(SIGTERM, ec);
  impl_->signals.async_wait(beast::bind_front_handler(&Impl::on_signal, impl_.get()));
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->core.options.io_threads; ++i) {
    threads.emplace_back([this] { impl_->run_io(); });
  }
  impl_->run_io();
  for (auto& t : threads) t.join();
  // Back to the default dispositions, so a later SIGTERM is not swallowed by a dead server.
  impl_->signals.clear(ec);
  // Handlers already running finish; those still queued are for connections that are gone.
  impl_->core.workers.stop();
  impl_->core.workers.join();
}

void HttpServer::stop() {
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->begin_shutdown(); });
}

}  // namespace werkex::http
