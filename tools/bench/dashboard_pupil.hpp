// werkex-bench's heaviest pupil for the dashboard figures (issue 12, "a pupil page with 50
// entries and 20 photos"): a pupil whose nightly dossier (nightly_dossiers.hpp) gets more
// activities, each prepared, with experiences until the bucket holds `entries` entities, and
// photos on them until it holds `photos` (real JPEG uploads, as a phone leaves them).
// Written through the server's Replica as the pupil, under the dossier lock.
#pragma once

#include <cstddef>
#include <string>

#include "bench_server.hpp"

namespace bench {

struct HeavyDossier {
  size_t entries = 0;  // live entities of the pupil's bucket afterwards (blobs included)
  size_t photos = 0;   // blob entities among them
};

// Throws Failure on any refused write.
HeavyDossier make_heavy_dossier(BenchServer& server, const std::string& pupil, size_t entries,
                                size_t photos);

}  // namespace bench
