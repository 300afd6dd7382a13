package nl.werkex;

/**
 * Syncs a {@link Replica} with the school's server through a {@link Transport}: enrolment once,
 * then {@link #run()} whenever the app likes (after writes, on a timer, when the network comes
 * back). A failed run loses nothing; run it again ({@link WerkexException#isTransient()} says
 * when that may help). Holds no native state of its own: the replica and transport stay owned by
 * the caller and must stay open while a call runs (closing either waits for it). Thread-safe.
 */
public final class Sync {
  private final Replica replica;
  private final Transport transport;

  public Sync(Replica replica, Transport transport) {
    if (replica == null || transport == null) {
      throw new IllegalArgumentException("Sync needs a replica and a transport");
    }
    this.replica = replica;
    this.transport = transport;
  }

  /**
   * Trades a one-time enrolment code for this device's token and identity (set the server first).
   */
  public void enroll(String code) throws WerkexException {
    replica.handle.call(r -> transport.handle.call(t -> {
      Native.syncEnroll(r, t, Native.utf8(code));
      return null;
    }));
  }

  /** Pushes and pulls until both are done; returns the sync report (JSON). */
  public String run() throws WerkexException { return run(null); }

  /**
   * As {@link #run()}, with options (may be null): {@code {"page_limit", "max_rounds", "wire"}}.
   */
  public String run(String optionsJson) throws WerkexException {
    return replica.handle.call(r
        -> transport.handle.call(t -> Native.text(Native.syncRun(r, t, Native.utf8(optionsJson)))));
  }
}
