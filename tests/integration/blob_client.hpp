// Raw HTTP clients of /v1/blobs for the integration tests, and what a pupil's device does
// before uploading (the blob entity, synced), shared by the blob tests.
#pragma once

#include <random>

#include "devices.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/dossier.hpp"

namespace werkex::test {

// Bytes no compressor or coincidence makes special: a photo as far as the server can tell.
inline std::string photo(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

inline std::string token_of(const Device& d) {
  return expect_ok(d.replica->setting("token")).value();
}

// One HTTP client of /v1/blobs, with its own connection, as one device would hold it.
struct BlobClient {
  std::string url, token;
  CurlTransport transport{quick_curl()};

  BlobClient(std::string u, std::string t) : url(std::move(u)), token(std::move(t)) {}

  HttpResponse send(const std::string& method, const std::string& path, std::string body = "",
                    HttpHeaders headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return expect_ok(transport.send({method, url + path, headers, std::move(body)}));
  }
  HttpResponse head(const std::string& sha) { return send("HEAD", "/v1/blobs/" + sha); }
  HttpResponse get(const std::string& sha, const std::string& range = "") {
    HttpHeaders h;
    if (!range.empty()) h.emplace_back("Range", range);
    return send("GET", "/v1/blobs/" + sha, "", h);
  }
  // Bytes [start, end) of `bytes`, announced as such. No Catch assertions: usable on threads.
  Result<HttpResponse> try_put(const std::string& sha, const std::string& bytes, size_t start,
                               size_t end) {
    std::string range = "bytes " + std::to_string(start) + "-" + std::to_string(end - 1) + "/" +
                        std::to_string(bytes.size());
    HttpHeaders h = {{"Content-Range", range}, {"Content-Type", "application/octet-stream"}};
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return transport.send({"PUT", url + "/v1/blobs/" + sha, h, bytes.substr(start, end - start)});
  }
  HttpResponse put(const std::string& sha, const std::string& bytes, size_t start, size_t end) {
    return expect_ok(try_put(sha, bytes, start, end));
  }
  uint64_t received(const std::string& sha) {
    HttpResponse r = head(sha);
    REQUIRE(r.status == 200);
    return std::stoull(r.header("X-Werkex-Blob-Received"));
  }
};

inline json body_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  INFO(r.status << " " << r.body.substr(0, 200));
  REQUIRE(j.is_object());
  return j;
}

inline std::string error_code_of(const HttpResponse& r) {
  return body_of(r)["error"]["code"].get<std::string>();
}

// What a pupil's device does before uploading: the blob entity, attached to an activity,
// synced to the server. Returns the hash.
inline std::string push_blob_entity(Device& pupil, const std::string& bytes, uint64_t size = 0) {
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "met foto";
  plan.extra = at_placement(pupil);
  std::string act = expect_ok(Dossier(*pupil.replica).plan_activity(plan));
  std::string sha = sha256_hex(bytes);
  expect_ok(pupil.replica->put({{"type", "blob"},
                                {"sha256", sha},
                                {"size", size ? size : bytes.size()},
                                {"mime", "image/jpeg"},
                                {"file_name", "foto.jpg"},
                                {"attached_to", act}}));
  SyncReport r = pupil.sync();
  REQUIRE(r.rejected.empty());
  return sha;
}

}  // namespace werkex::test
