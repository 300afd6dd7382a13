package nl.werkex;

/**
 * The dossier store on this device: one SQLite file that syncs with the school's server (see
 * {@link Sync}) or with another replica directly ({@link #exportChanges}, {@link
 * #importChanges}). Entities, query results and reports are JSON text in the shapes of werkex.h.
 *
 * <p>Threading: every method may be called from any thread; the library serialises calls on one
 * replica, except that other threads may use it while a sync or blob call waits on the network.
 * Observers run on the thread that wrote (see {@link Observer}).
 *
 * <p>Ownership: the replica owns a native handle until {@link #close()}, which waits for calls in
 * progress on other threads, then closes the database and frees the handle, exactly once. Every
 * later call throws {@link WerkexException} with {@link ErrorCode#CLOSED}. Closed from inside one
 * of its own calls (an observer, an HttpClient), it stops taking calls at once and is freed when
 * that outer call returns. A replica that is never closed leaks its handle: use
 * try-with-resources or Kotlin's {@code use}. {@link #dossier()}, {@link #blobs()} and {@link
 * #signoffs()} are views over the same handle and close with it.
 */
public final class Replica implements AutoCloseable {
  final Handle handle;

  private Replica(long h) {
    handle = new Handle(h, "replica", Native::replicaRelease, Native::replicaClose);
  }

  /** Opens (or creates) the replica at {@code path} with the default options. */
  public static Replica open(String path) throws WerkexException { return open(path, null); }

  /**
   * Opens (or creates) the replica at {@code path}; {@code optionsJson} (may be null): {@code
   * {"durable": true, "blob_dir": "<path>"}}.
   */
  public static Replica open(String path, String optionsJson) throws WerkexException {
    return new Replica(Native.replicaOpen(Native.utf8(path), Native.utf8(optionsJson)));
  }

  /**
   * Opens (or creates) the replica at {@code path} with the built-in schema extended by the
   * app's own entity types: {@code schemaJson} is an object in the form of {@link
   * Werkex#schemaBuiltin()}, {@code {"types": {...}, "enums": {...}, "enum_labels": {...}}}
   * (werkex_schema.h). It only adds: a type or enum werkex has, or any other key, is refused
   * ({@link ErrorCode#INVALID_ARGUMENT}, naming what is wrong; nothing is opened or created).
   * Open the same file with the same extension every time.
   */
  public static Replica openWithSchema(String path, String optionsJson, String schemaJson)
      throws WerkexException {
    return new Replica(Native.replicaOpenWithSchema(
        Native.utf8(path), Native.utf8(optionsJson), Native.utf8(schemaJson)));
  }

  /** Closes the database and frees the native handle; idempotent and thread-safe. */
  @Override
  public void close() {
    handle.close();
  }

  /** What the device knows of itself: user, role, server, counts, last sync (JSON). */
  public String status() throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaStatus(h)));
  }

  /** Sets who writes here, for a device without a server: {@code {"user", "role", ...}}. */
  public void setIdentity(String json) throws WerkexException {
    handle.call(h -> {
      Native.replicaSetIdentity(h, Native.utf8(json));
      return null;
    });
  }

  /** The sync server's base URL (http:// or https://). */
  public void setServer(String url) throws WerkexException {
    handle.call(h -> {
      Native.replicaSetServer(h, Native.utf8(url));
      return null;
    });
  }

  /** Creates (no "id") or updates (with "id", only the fields given) an entity; its id. */
  public String put(String entityJson) throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaPut(h, Native.utf8(entityJson))));
  }

  /** The entity's document; NOT_FOUND if this replica never saw it. */
  public String get(String id) throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaGet(h, Native.utf8(id))));
  }

  /** Deletes the entity (a tombstone that syncs like any write). */
  public void delete(String id) throws WerkexException {
    handle.call(h -> {
      Native.replicaDelete(h, Native.utf8(id));
      return null;
    });
  }

  /** Brings back the value of {@code field} that lost a concurrent write. */
  public void restoreLost(String id, String field) throws WerkexException {
    handle.call(h -> {
      Native.replicaRestoreLost(h, Native.utf8(id), Native.utf8(field));
      return null;
    });
  }

  /** The matching entities, as a JSON array of documents. */
  public String list(Query query) throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaList(h, queryJson(query))));
  }

  /** How many entities match. */
  public long count(Query query) throws WerkexException {
    return handle.call(h -> Native.replicaCount(h, queryJson(query)));
  }

  /** Every entity, canonical: equal text on converged replicas. */
  public String dump() throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaDump(h)));
  }

  /**
   * The Dutch and English labels of the schema's choices, for pickers: for {@code enumName}
   * ("emotion") {@code {"geergerd": {"nl": "geërgerd", "en": "annoyed"}, ...}}, for null every
   * enum. Writes accept a label in place of the id.
   */
  public String labels(String enumName) throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaLabels(h, Native.utf8(enumName))));
  }

  /** The changes the server refused: {@code [{"entity","field","code","message","at"}]}. */
  public String quarantine() throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaQuarantine(h)));
  }

  public void clearQuarantine() throws WerkexException {
    handle.call(h -> {
      Native.replicaClearQuarantine(h);
      return null;
    });
  }

  /**
   * The changes after local sequence {@code sinceSeq} as a bundle (JSON) for another replica;
   * at most {@code limit} entity updates (0: all). Both must not be negative.
   */
  public String exportChanges(long sinceSeq, long limit) throws WerkexException {
    if (sinceSeq < 0 || limit < 0) {
      throw new WerkexException(
          ErrorCode.INVALID_ARGUMENT, "exportChanges: sinceSeq and limit must not be negative");
    }
    return handle.call(h -> Native.text(Native.replicaExport(h, sinceSeq, limit)));
  }

  /** Merges a bundle another replica exported; returns the import report (JSON). */
  public String importChanges(String bundleJson) throws WerkexException {
    return handle.call(h -> Native.text(Native.replicaImport(h, Native.utf8(bundleJson))));
  }

  /**
   * Calls {@code observer} for every committed change of entities matching {@code query} (only
   * its type and bucket may be set) until the subscription is closed.
   */
  public Subscription observe(Query query, Observer observer) throws WerkexException {
    if (observer == null) {
      throw new WerkexException(ErrorCode.INVALID_ARGUMENT, "observe: observer is null");
    }
    return handle.call(h -> new Subscription(Native.replicaObserve(h, queryJson(query), observer)));
  }

  /** The cycle of handvat 12 as operations, over this replica. */
  public Dossier dossier() { return new Dossier(this); }

  /** Deleted entries this device may restore (30 days after the delete). */
  public Trash trash() { return new Trash(this); }

  /** Placement requests: the pupil asks, the counsellor answers. */
  public PlacementRequests placementRequests() { return new PlacementRequests(this); }

  /** Photos and files of this replica. */
  public Blobs blobs() { return new Blobs(this); }

  /** Supervisor sign-off on this replica. */
  public Signoffs signoffs() { return new Signoffs(this); }

  private static byte[] queryJson(Query query) {
    return Native.utf8(query == null ? "{}" : query.toJson());
  }
}
