#include "werkex/transport.hpp"

#include <strings.h>

namespace werkex {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  return {};
}

}  // namespace werkex
