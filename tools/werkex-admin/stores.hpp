// Where werkex-admin finds the server's records: the SQLite files in the data folder (the
// embedded engine), or, with --postgres CONNINFO, the deployment's PostgreSQL database (the
// server's "store": {"engine": "postgres", "conninfo": …}). Blob holdings stay in the data
// folder's server.db on either engine, as the server keeps them.
#pragma once

#include <memory>
#include <string>

#include "auth_store.hpp"
#include "blob_holdings.hpp"
#include "werkex/store.hpp"

namespace werkex::admin {

struct StoreLocation {
  std::string data;      // the data folder
  std::string postgres;  // a libpq connection string; "" for the SQLite files
};

Result<std::unique_ptr<server::AuthStore>> open_auth(const StoreLocation& where);
// The dossiers, read only (werkex-admin never writes them: the server is their writer).
Result<std::unique_ptr<EntityReader>> open_dossiers(const StoreLocation& where);
// Which dossier holds which blob bytes: server.db, or the database.
Result<std::unique_ptr<server::BlobHoldings>> open_holdings(const StoreLocation& where);

}  // namespace werkex::admin
