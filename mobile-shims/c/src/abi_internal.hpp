// What the C ABI's functions share: the handle structs behind werkex.h's opaque types, the
// lock that lets any thread use a replica, and the wrappers that turn a C++ body into a C
// function (argument checks, the error out-parameter, no exception escaping).
//
// A wx_replica owns a ReplicaCore through a shared_ptr so that observers, which may outlive
// the replica handle, can tell whether it is still there. The core's lock is reentrant
// (observers run with it held and may call back in) and is let go while a sync or blob
// call waits on the network; `closing` then keeps new calls out and wx_replica_close waits
// until the network calls have finished before the database goes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "werkex.h"
#include "werkex/blob_store.hpp"
#include "werkex/error.hpp"
#include "werkex/store.hpp"
#include "werkex/transport.hpp"

namespace werkex::abi {

// A mutex the owning thread may take again; release_all/reacquire let a network wait drop
// every level at once and restore them after.
class ReentrantLock {
 public:
  void lock();
  void unlock();
  int release_all();
  void reacquire(int depth);
  int depth_held_by_this_thread() const;

 private:
  std::mutex mutex_;
  std::atomic<std::thread::id> owner_{};
  int depth_ = 0;
};

struct ReplicaCore {
  ReentrantLock lock;
  std::unique_ptr<Replica> replica;  // null once closed
  std::optional<BlobStore> blobs;
  bool closing = false;

  std::mutex network_mutex;
  std::condition_variable network_idle;
  // The threads in a sync or blob call (they let go of `lock` while sending).
  std::vector<std::thread::id> network_threads;

  // Network calls of one kind take turns (an app's timer and its pull-to-refresh would
  // otherwise sync twice at once, each redoing the other's work); taken before `lock`.
  // Recursive: a callback of a sync may start another (it then runs inside the first).
  std::recursive_mutex sync_turn, upload_turn, fetch_turn;
};

// Waits for this replica's turn for one kind of network call (`turn` is a member of
// ReplicaCore). An invalid handle gets no lock; the call then reports it as usual.
std::unique_lock<std::recursive_mutex> take_turn(wx_replica* handle,
                                                 std::recursive_mutex ReplicaCore::*turn);

// Whether this thread is inside a sync or blob call of `core` (its send callback running).
bool in_network_call(ReplicaCore& core);

// Counts a call that may let go of the lock while it waits on the network.
class NetworkCall {
 public:
  explicit NetworkCall(ReplicaCore& core);
  ~NetworkCall();
  NetworkCall(const NetworkCall&) = delete;
  NetworkCall& operator=(const NetworkCall&) = delete;

 private:
  ReplicaCore& core_;
};

// A Transport that lets go of the replica's lock for the duration of each send, and stops
// the session with WX_CLOSED if the replica was closed meanwhile.
class UnlockingTransport final : public Transport {
 public:
  UnlockingTransport(ReplicaCore& core, wx_transport& transport)
      : core_(core), transport_(transport) {}
  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  ReplicaCore& core_;
  wx_transport& transport_;
};

inline constexpr uint32_t kReplicaMagic = 0x77787270;    // "wxrp"
inline constexpr uint32_t kTransportMagic = 0x77787472;  // "wxtr"
inline constexpr uint32_t kObserverMagic = 0x77786f62;   // "wxob"
inline constexpr uint32_t kResponseMagic = 0x77787273;   // "wxrs"

// The context of a callback, freed exactly once.
struct CallbackContext {
  void* ctx = nullptr;
  wx_free_fn free_ctx = nullptr;
  void free() {
    if (free_ctx) free_ctx(ctx);
    free_ctx = nullptr;
  }
};

// Writes `error` into `out` (may be null): the code and the message, cut at a UTF-8
// character boundary to fit.
void fill_error(wx_error* out, const Error& error);
// A new buffer holding `bytes` plus a NUL; nullptr (and `out` filled) if memory runs out.
wx_buffer* make_buffer(std::string_view bytes, wx_error* out);

// Runs `body`, turning any exception into WX_INTERNAL: nothing C++ crosses the ABI.
Status guarded(const char* function, const std::function<Status()>& body);

// A required pointer argument; WX_INVALID_ARGUMENT naming it when null.
Status require(const void* pointer, const char* function, const char* name);

// Checks the handle, takes the replica's lock and runs `body` with the open core. Fails with
// WX_INVALID_ARGUMENT for a null or foreign handle and WX_CLOSED after close.
Status with_replica(wx_replica* handle, const char* function,
                    const std::function<Status(ReplicaCore&)>& body);

// The C function shapes: a body that yields text returns a buffer, one that yields a status
// returns a bool; both fill `out` on failure.
wx_buffer* text_call(wx_replica* handle, wx_error* out, const char* function,
                     const std::function<Result<std::string>(ReplicaCore&)>& body);
bool status_call(wx_replica* handle, wx_error* out, const char* function,
                 const std::function<Status(ReplicaCore&)>& body);
bool finish(const Status& status, wx_error* out);

// The transport behind a wx_transport handle (for UnlockingTransport and the sync calls).
Status check_transport(wx_transport* handle, const char* function);

}  // namespace werkex::abi

struct wx_replica {
  uint32_t magic = werkex::abi::kReplicaMagic;
  std::shared_ptr<werkex::abi::ReplicaCore> core;
};

struct wx_transport {
  uint32_t magic = werkex::abi::kTransportMagic;
  std::mutex mutex;  // one request at a time
  std::unique_ptr<werkex::Transport> transport;
  werkex::abi::CallbackContext context;
};
