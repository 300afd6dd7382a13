// The /v1/sync load generator (load_client.hpp): Boost.Beast HTTP/1.1 clients on one thread.
#include "load_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "bench.hpp"

namespace bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

struct LoadClient::Impl {
  struct Device {
    Device(net::io_context& ioc, DeviceScript s)
        : script(std::move(s)), socket(ioc), timer(ioc), views(script.views) {}
    DeviceScript script;
    tcp::socket socket;
    net::steady_timer timer;
    beast::flat_buffer buffer;
    std::string request;
    std::optional<bhttp::response_parser<bhttp::string_body>> parser;
    std::map<std::string, uint64_t> cursors;
    std::map<std::string, std::string> views;
    size_t round = 0, first = 0, last = 0;
    unsigned short port = 0;  // the server process it talks to
    Clock::duration offset{};
    Clock::time_point sent;
    bool failed = false;
  };

  net::io_context ioc{1};
  unsigned short port;
  std::vector<std::unique_ptr<Device>> devices;
  LoadPhase phase;
  Clock::time_point start, last_done;
  std::chrono::milliseconds interval{0};

  void fail(Device& d, const std::string& what) {
    ++phase.errors;
    if (phase.first_error.empty()) phase.first_error = what;
    d.failed = true;
    beast::error_code ignored;
    d.socket.close(ignored);
    last_done = Clock::now();
  }

  void schedule(Device& d) {
    if (d.round == d.last) {
      last_done = Clock::now();
      return;
    }
    auto due = start + d.offset + (d.round - d.first) * Clock::duration(interval);
    if (interval.count() == 0 || Clock::now() >= due) return send(d);
    d.timer.expires_at(due);
    d.timer.async_wait([this, &d](beast::error_code ec) {
      if (ec) return fail(d, "timer: " + ec.message());
      send(d);
    });
  }

  void send(Device& d) {
    const SyncBody& b = d.script.rounds[d.round];
    std::string body = b.head + std::to_string(wall_ms()) + b.mid + json(d.cursors).dump();
    if (!d.views.empty()) body += ",\"views\":" + json(d.views).dump();
    body += b.tail;
    // The headers CurlTransport sends for SyncSession (Host, User-Agent, Accept,
    // Content-Type, Authorization, Content-Length).
    d.request = "POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(d.port) +
                "\r\nUser-Agent: werkex-synclib/0.1\r\nAccept: application/json\r\n"
                "Content-Type: application/json\r\nAuthorization: Bearer " +
                d.script.token + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                body;
    phase.request_body_bytes += body.size();
    phase.request_bytes += d.request.size();
    d.sent = Clock::now();
    net::async_write(d.socket, net::buffer(d.request), [this, &d](beast::error_code ec, size_t) {
      if (ec) return fail(d, "write: " + ec.message());
      d.parser.emplace();
      d.parser->body_limit(64 * 1024 * 1024);
      bhttp::async_read(d.socket, d.buffer, *d.parser,
                        [this, &d](beast::error_code ec, size_t n) { on_answer(d, ec, n); });
    });
  }

  void on_answer(Device& d, beast::error_code ec, size_t n) {
    if (ec) return fail(d, "read: " + ec.message());
    phase.latency_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - d.sent).count());
    ++phase.requests;
    phase.response_bytes += n;
    const auto& res = d.parser->get();
    phase.response_body_bytes += res.body().size();
    if (res.result_int() != 200)
      return fail(d, "HTTP " + std::to_string(res.result_int()) + ": " + res.body().substr(0, 300));
    json j = json::parse(res.body(), nullptr, false);
    if (!j.is_object() || !j.contains("push") || !j.contains("buckets"))
      return fail(d, "not a sync answer: " + res.body().substr(0, 300));
    phase.applied += j["push"].value("applied", size_t{0});
    if (!j["push"].value("rejected", json::array()).empty())
      return fail(d, "changes refused: " + j["push"]["rejected"].dump().substr(0, 300));
    for (auto& [bucket, pull] : j["buckets"].items()) {
      d.cursors[bucket] = pull["cursor"].get<uint64_t>();
      if (pull.contains("view")) d.views[bucket] = pull["view"].get<std::string>();
      for (auto& e : pull["bundle"]["entities"]) phase.pulled += e["fields"].size();
    }
    for (auto& bucket : j.value("revoked", json::array())) {
      d.cursors.erase(bucket.get<std::string>());
      d.views.erase(bucket.get<std::string>());
    }
    ++d.round;
    schedule(d);
  }
};

LoadClient::LoadClient(unsigned short port, std::vector<DeviceScript> devices) : impl_(new Impl) {
  impl_->port = port;
  for (auto& s : devices)
    impl_->devices.push_back(std::make_unique<Impl::Device>(impl_->ioc, std::move(s)));
}

LoadClient::~LoadClient() {
  delete impl_;
}

void LoadClient::connect() {
  connect_to({impl_->port});
}

void LoadClient::connect_to(const std::vector<unsigned short>& ports) {
  size_t failed = 0;
  std::string why;
  for (size_t i = 0; i < impl_->devices.size(); ++i) {
    Impl::Device* dev = impl_->devices[i].get();
    beast::error_code ignored;
    if (dev->socket.is_open()) dev->socket.close(ignored);
    dev->buffer.clear();
    dev->port = ports[i % ports.size()];
    tcp::endpoint server(net::ip::make_address("127.0.0.1"), dev->port);
    dev->socket.async_connect(server, [&, dev](beast::error_code ec) {
      if (!ec) dev->socket.set_option(tcp::no_delay(true), ec);
      if (ec && !failed++) why = ec.message();
    });
  }
  impl_->ioc.restart();
  impl_->ioc.run();
  if (failed)
    throw Failure(std::to_string(failed) + " devices could not connect to the server: " + why);
}

void LoadClient::share_cursors(size_t from) {
  const auto& model = impl_->devices.at(from);
  for (auto& d : impl_->devices) {
    if (!d->cursors.empty()) continue;
    for (const auto& [bucket, cursor] : model->cursors)
      d->cursors[bucket == model->script.bucket ? d->script.bucket : bucket] = cursor;
  }
}

LoadPhase LoadClient::run(size_t first, size_t last, std::chrono::milliseconds interval,
                          size_t devices) {
  Impl& m = *impl_;
  m.phase = LoadPhase{};
  m.interval = interval;
  m.start = m.last_done = Clock::now();
  const size_t n = std::min(devices, m.devices.size());
  for (size_t i = 0; i < n; ++i) {
    auto& d = *m.devices[i];
    if (d.failed) continue;
    d.first = d.round = first;
    d.last = std::min(last, d.script.rounds.size());
    // Phases spread evenly over one interval, so the devices do not all knock at once.
    d.offset = Clock::duration(interval) * static_cast<long>(i) / static_cast<long>(n);
    m.schedule(d);
  }
  m.ioc.restart();
  m.ioc.run();
  m.phase.seconds = std::chrono::duration<double>(m.last_done - m.start).count();
  return std::move(m.phase);
}

}  // namespace bench
