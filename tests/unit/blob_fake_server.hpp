// An in-memory stand-in for the server's /v1/blobs endpoints (notes: the blob protocol), with
// fault injection, so BlobSync can be tested in-process: failed sends, answers lost after
// the server applied a chunk, a server that loses bytes between HEAD and PUT, wrong bytes
// served on GET. `known` plays the role of the blob entities the device has pushed.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "werkex/blob_store.hpp"
#include "werkex/transport.hpp"

namespace werkex::test {

class FakeBlobServer {
 public:
  struct Blob {
    uint64_t size = 0;
    std::string data;  // the bytes received contiguously from 0
    bool complete = false;
  };

  std::map<std::string, Blob> blobs;  // by hash: only hashes with a pushed entity
  std::vector<HttpRequest> log;
  std::string token = "tok";
  int puts = 0, gets = 0;
  int fail_put_at = 0;     // the n-th PUT (1-based) gets no answer and changes nothing
  int lose_answer_at = 0;  // the n-th PUT is applied, then its answer is lost
  int fail_get_at = 0;     // the n-th GET gets no answer
  uint64_t shrink_after_head = UINT64_MAX;  // after a HEAD, keep only this many bytes
  bool serve_wrong_bytes = false;           // GET flips the first byte it sends

  void know(const std::string& sha, uint64_t size) { blobs[sha].size = size; }

  Result<HttpResponse> handle(const HttpRequest& req) {
    log.push_back(req);
    std::string auth;
    for (auto& [k, v] : req.headers)
      if (k == "Authorization") auth = v;
    if (auth != "Bearer " + token) return json_error(401, "unauthenticated", "bad token");
    size_t at = req.url.rfind('/');
    std::string sha = req.url.substr(at + 1);
    auto it = blobs.find(sha);
    if (it == blobs.end()) {
      if (req.method == "PUT") ++puts;
      return json_error(404, "not_found", "no blob " + sha);
    }
    Blob& b = it->second;
    if (req.method == "HEAD") {
      HttpResponse r{200, sizes(b), ""};
      if (b.data.size() > shrink_after_head) b.data.resize(shrink_after_head);
      return r;
    }
    if (req.method == "PUT") return put(sha, b, req);
    if (req.method == "GET") return get(b, req);
    return json_error(405, "invalid_argument", "method");
  }

 private:
  static HttpHeaders sizes(const Blob& b) {
    return {{"X-Werkex-Blob-Size", std::to_string(b.size)},
            {"X-Werkex-Blob-Received", std::to_string(b.data.size())}};
  }
  static HttpResponse json_error(int status, const std::string& code, const std::string& msg) {
    return {status, {}, json{{"error", {{"code", code}, {"message", msg}}}}.dump()};
  }
  static std::string header(const HttpRequest& req, const std::string& name) {
    for (auto& [k, v] : req.headers)
      if (k == name) return v;
    return "";
  }

  Result<HttpResponse> put(const std::string& sha, Blob& b, const HttpRequest& req) {
    ++puts;
    if (puts == fail_put_at) return make_error(WX_UNAVAILABLE, "fake: connection reset");
    unsigned long long start = 0, end = 0, total = 0;
    std::string cr = header(req, "Content-Range");
    if (cr.empty()) {
      total = req.body.size();
      end = total ? total - 1 : 0;
    } else if (std::sscanf(cr.c_str(), "bytes %llu-%llu/%llu", &start, &end, &total) != 3) {
      return json_error(400, "invalid_argument", "bad Content-Range");
    }
    if (total != b.size) return json_error(400, "invalid_argument", "total != declared size");
    if (total > 0 && req.body.size() != end - start + 1)
      return json_error(400, "invalid_argument", "body length");
    if (!b.complete) {
      if (start > b.data.size()) {
        HttpResponse r = json_error(409, "conflict", "gap");
        r.headers = {{"X-Werkex-Blob-Received", std::to_string(b.data.size())}};
        return r;
      }
      uint64_t skip = b.data.size() - start;
      if (skip < req.body.size()) b.data += req.body.substr(skip);
      if (b.data.size() == b.size) {
        if (std::string got = sha256_hex(b.data); got != sha) {
          b.data.clear();  // the server deletes the partial file
          return json_error(400, "corrupt", "the bytes hash to " + got + ", not " + sha);
        }
        b.complete = true;
      }
    }
    if (puts == lose_answer_at) return make_error(WX_UNAVAILABLE, "fake: answer lost");
    return HttpResponse{200,
                        {},
                        json{{"sha256", sha},
                             {"received", b.data.size()},
                             {"size", b.size},
                             {"complete", b.complete}}
                            .dump()};
  }

  Result<HttpResponse> get(const Blob& b, const HttpRequest& req) {
    ++gets;
    if (gets == fail_get_at) return make_error(WX_UNAVAILABLE, "fake: timed out");
    if (!b.complete) return json_error(404, "not_found", "not uploaded yet");
    unsigned long long start = 0, end = b.size ? b.size - 1 : 0;
    std::string range = header(req, "Range");
    if (!range.empty()) {
      if (std::sscanf(range.c_str(), "bytes=%llu-%llu", &start, &end) < 1 || start >= b.size) {
        HttpResponse r = json_error(416, "invalid_argument", "range");
        r.headers = {{"Content-Range", "bytes */" + std::to_string(b.size)}};
        return r;
      }
      end = std::min<unsigned long long>(end, b.size - 1);
    }
    std::string body = b.data.substr(start, end - start + 1);
    if (serve_wrong_bytes && !body.empty()) body[0] = static_cast<char>(body[0] ^ 0x5a);
    if (range.empty()) return HttpResponse{200, {}, body};
    return HttpResponse{206,
                        {{"Content-Range", "bytes " + std::to_string(start) + "-" +
                                               std::to_string(end) + "/" + std::to_string(b.size)}},
                        body};
  }
};

}  // namespace werkex::test
