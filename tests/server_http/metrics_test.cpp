#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "http/metrics.hpp"

using werkex::http::Metrics;

TEST_CASE("metrics: counters and gauges render in Prometheus text format", "[http][metrics]") {
  Metrics m;
  m.set_help("werkex_things_total", "counter", "Things done.\nTwo lines.");
  m.add("werkex_things_total", R"(kind="a")");
  m.add("werkex_things_total", R"(kind="a")", 2);
  m.add("werkex_things_total", R"(kind="b")", 0.5);
  m.set_gauge("werkex_queue", "", 7);
  m.set_gauge("werkex_queue", "", 3);
  m.add("werkex_plain_total", "");
  CHECK(m.render() ==
        "# TYPE werkex_plain_total counter\n"
        "werkex_plain_total 1\n"
        "# TYPE werkex_queue gauge\n"
        "werkex_queue 3\n"
        "# HELP werkex_things_total Things done.\\nTwo lines.\n"
        "# TYPE werkex_things_total counter\n"
        "werkex_things_total{kind=\"a\"} 3\n"
        "werkex_things_total{kind=\"b\"} 0.5\n");
}

TEST_CASE("metrics: a histogram has cumulative buckets, a sum and a count", "[http][metrics]") {
  Metrics m;
  m.observe("werkex_t_seconds", R"(route="/x")", 0.00390625);  // powers of two: an exact sum
  m.observe("werkex_t_seconds", R"(route="/x")", 0.25);
  m.observe("werkex_t_seconds", R"(route="/x")", 32);
  std::string text = m.render();
  CHECK_THAT(text, Catch::Contains("# TYPE werkex_t_seconds histogram\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_bucket{route=\"/x\",le=\"10\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_sum{route=\"/x\"} 32.25390625\n"));
  CHECK_THAT(text, Catch::Contains("werkex_t_seconds_count{route=\"/x\"} 3\n"));
  m.observe("werkex_u_seconds", "", 1);
  CHECK_THAT(m.render(), Catch::Contains("werkex_u_seconds_bucket{le=\"1\"} 1\n"));
}

TEST_CASE("metrics: label values are escaped", "[http][metrics]") {
  CHECK(Metrics::label("path", "a\"b\\c\nd") == R"(path="a\"b\\c\nd")");
}

TEST_CASE("metrics: concurrent updates are all counted", "[http][metrics]") {
  Metrics m;
  m.set_help("werkex_live", "gauge", "Live things.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10000; ++i) {
        m.add("werkex_n_total", "");
        m.add("werkex_live", "", 1);
        m.add("werkex_live", "", -1);
        m.observe("werkex_h_seconds", "", 0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.render();
  CHECK_THAT(text, Catch::Contains("werkex_n_total 40000\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE werkex_live gauge\nwerkex_live 0\n"));
  CHECK_THAT(text, Catch::Contains("werkex_h_seconds_count 40000\n"));
}
