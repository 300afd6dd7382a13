package nl.werkex;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A native handle that several threads may use while one of them closes it.
 *
 * <p>Every call holds the read lock for its whole duration and {@link #close()} takes the write
 * lock, so the handle is released exactly once and never while a native call uses it: close
 * waits for calls in progress (a sync waiting on the network included), and every call after it
 * fails with {@link ErrorCode#CLOSED}. A close from a thread that is itself inside a call on this
 * handle (an {@link Observer} or an {@link HttpClient} running on the calling thread) cannot wait
 * for itself: new calls fail with CLOSED from then on, and the handle is released when that
 * thread's outermost call returns.
 */
final class Handle {
  interface Release {
    void release(long handle);
  }

  interface Call<T> {
    T run(long handle) throws WerkexException;
  }

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String what;
  private final Release release;
  private final Release stop; // may be null: tells calls in progress to finish early
  private long handle; // guarded by lock; 0 once released
  private volatile boolean closeDeferred;

  Handle(long handle, String what, Release release) { this(handle, what, release, null); }

  Handle(long handle, String what, Release release, Release stop) {
    this.handle = handle;
    this.what = what;
    this.release = release;
    this.stop = stop;
  }

  <T> T call(Call<T> body) throws WerkexException {
    lock.readLock().lock();
    try {
      if (handle == 0 || closeDeferred) {
        throw new WerkexException(ErrorCode.CLOSED, what + " is closed", false);
      }
      return body.run(handle);
    } finally {
      lock.readLock().unlock();
      if (closeDeferred && lock.getReadHoldCount() == 0) close();
    }
  }

  void close() {
    if (lock.getReadHoldCount() > 0) {
      closeDeferred = true;
      return;
    }
    if (stop != null) {
      // Under the read lock, so the handle cannot be released meanwhile: a sync of another
      // thread stops at its next answer instead of running all its rounds before close.
      lock.readLock().lock();
      try {
        if (handle != 0) stop.release(handle);
      } finally {
        lock.readLock().unlock();
      }
    }
    lock.writeLock().lock();
    try {
      if (handle != 0) {
        long h = handle;
        handle = 0;
        release.release(h);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
