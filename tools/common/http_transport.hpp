// The tools' HTTP transport: libcurl (synclib/curl) when the build has it. A build with
// WERKEX_WITH_CURL=OFF gets a transport that refuses every request, saying why, so that the
// offline commands work and the server commands fail clearly instead of not building.
#pragma once

#include <string>

#include "werkex/transport.hpp"
#ifdef WERKEX_WITH_CURL
#include "werkex/curl_transport.hpp"
#endif

namespace werkex::tools {

#ifdef WERKEX_WITH_CURL
using HttpTransport = CurlTransport;
#else
class HttpTransport final : public Transport {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override {
    return make_error(WX_INVALID_ARGUMENT, "cannot reach " + request.url +
                                               ": this build has no libcurl "
                                               "(WERKEX_WITH_CURL=OFF)");
  }
};
#endif

}  // namespace werkex::tools
