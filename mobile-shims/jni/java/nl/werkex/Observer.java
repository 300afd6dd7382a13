package nl.werkex;

/**
 * Hears of committed changes to a replica (see {@link Replica#observe}). {@code changesJson} is
 * {@code [{"entity","type","bucket","deleted"}]}.
 *
 * <p>Runs on the thread that wrote (a local write, an import, or a sync applying what it
 * pulled), after the commit, with the replica's lock held: it may call back into the replica but
 * must not wait for another thread that uses it (post to the UI thread instead). A Throwable it
 * throws is handed to that thread's UncaughtExceptionHandler: the write already committed, so it
 * is neither swallowed nor rethrown into the writer.
 */
@FunctionalInterface
public interface Observer {
  void onChange(String changesJson);
}
