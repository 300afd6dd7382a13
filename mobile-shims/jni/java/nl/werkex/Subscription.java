package nl.werkex;

/**
 * A registered {@link Observer}; closing it stops the callbacks (after {@link #close()} returns
 * the observer is not called again) and lets go of the observer. Idempotent and thread-safe; it
 * may be closed before or after its replica. Do not close it from inside its own callback.
 */
public final class Subscription implements AutoCloseable {
  private long handle; // guarded by this; 0 once released

  Subscription(long handle) { this.handle = handle; }

  @Override
  public synchronized void close() {
    if (handle != 0) {
      long h = handle;
      handle = 0;
      Native.observerRelease(h);
    }
  }
}
