// HTTPS: the same server with a self-signed certificate made by the openssl CLI.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_server.hpp"

using namespace wxtest;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A fresh directory with cert.pem and key.pem for 127.0.0.1, removed at the end.
struct SelfSigned {
  fs::path dir;
  SelfSigned() {
    std::string tmpl = (fs::temp_directory_path() / "werkex-tls-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    std::string cmd = std::string(WERKEX_OPENSSL_CLI) +
                      " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                      " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
                      " -keyout " +
                      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() +
                      " 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~SelfSigned() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string cert() const { return (dir / "cert.pem").string(); }
  std::string key() const { return (dir / "key.pem").string(); }
};

}  // namespace

TEST_CASE("https: requests round-trip over TLS with a self-signed certificate",
          "[http][server][tls]") {
  SelfSigned files;
  TestServer ts;
  ts.router.add(bhttp::verb::post, "/echo",
                [](const Request& req, const RouteParams&, RequestLog&) {
                  return json_response(req, 200, {{"echo", req.body()}});
                });
  ServerOptions o;
  o.tls_cert_file = files.cert();
  o.tls_key_file = files.key();
  ts.start(o);

  // The client trusts exactly this certificate and checks that it names 127.0.0.1.
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.load_verify_file(files.cert());
  net::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_mode(net::ssl::verify_peer);
  stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
  REQUIRE_FALSE(await(ioc, [&](auto h) {
    beast::get_lowest_layer(stream).async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), ts.port()), h);
  }));
  REQUIRE_FALSE(
      await(ioc, [&](auto h) { stream.async_handshake(net::ssl::stream_base::client, h); }));

  beast::flat_buffer buf;
  for (std::string word : {"geheim", "nog een"}) {  // two requests: keep-alive over TLS
    Request req = make_request(bhttp::verb::post, "/echo", word);
    REQUIRE_FALSE(await(ioc, [&](auto h) { bhttp::async_write(stream, req, h); }));
    Response res;
    REQUIRE_FALSE(await(ioc, [&](auto h) { bhttp::async_read(stream, buf, res, h); }));
    CHECK(res.result_int() == 200);
    CHECK(json::parse(res.body())["echo"] == word);
  }
  REQUIRE(eventually([&] { return ts.log_lines().size() == 2; }));

  // A plain-HTTP client on the TLS port gets no HTTP answer, and the server keeps serving.
  Conn plain(ts.port());
  REQUIRE_FALSE(plain.write_raw("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(plain.closed_within(5s));
  CHECK(ts.log_lines().size() == 2);
}
