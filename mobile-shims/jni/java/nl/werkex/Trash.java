package nl.werkex;

/**
 * The trash (prullenbak) of a {@link Replica}: deleted dossier entries this device may restore,
 * for 30 days after the delete (see werkex_trash.h). A restore syncs like any write and wins
 * over the delete on every device. A thin view over the replica's handle.
 */
public final class Trash {
  private final Replica replica;

  Trash(Replica replica) { this.replica = replica; }

  /**
   * The restorable entries, most recently deleted first: a JSON array of
   * {"id","type","bucket","deleted_at","restorable_until","summary"}.
   */
  public String list() throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.trashList(h)));
  }

  /** Brings the deleted entry {@code entityId} back with all its fields. */
  public void restore(String entityId) throws WerkexException {
    replica.handle.call(h -> {
      Native.trashRestore(h, Native.utf8(entityId));
      return null;
    });
  }
}
