// werkex-bench's photos for the generated dossiers (nightly_dossiers.hpp): small real JPEG
// files made with libvips, each of its own content (so its own hash), stored as the server
// stores a finished upload: the file under <data>/blobs through the server's BlobStore
// (content-addressed, hashed before it gets its name) and the dossier's holding in server.db
// through BlobHoldings, which is what PUT /v1/blobs leaves behind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "blob_holdings.hpp"
#include "blob_store.hpp"

namespace bench {

// A `width`×`height` JPEG (quality 80, no metadata) of a simple outdoor scene: sky, ground,
// a sun and a building whose colours and places follow from `seed`. A few KB at 320×240.
// Thread-safe (libvips is); throws Failure if libvips cannot start or encode.
std::string make_photo_jpeg(uint64_t seed, int width = 320, int height = 240);

// The server's blob files and holdings of one data folder, opened beside a running App
// (BlobStore is safe beside another instance on the same folder: files appear by rename;
// BlobHoldings has its own connection to server.db). Thread-safe, as the two classes are.
class ServerBlobs {
 public:
  explicit ServerBlobs(const std::string& data_dir);
  // Stores `bytes` as `bucket`'s finished upload (touch, append, complete, as the PUT
  // handler does) and returns their SHA-256 hex; throws Failure if any step fails.
  std::string store(const std::string& bucket, const std::string& bytes, uint64_t now_ms);

 private:
  std::unique_ptr<werkex::server::BlobStore> files_;
  std::unique_ptr<werkex::server::BlobHoldings> holdings_;
};

}  // namespace bench
