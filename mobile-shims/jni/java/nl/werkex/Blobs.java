package nl.werkex;

/**
 * Photos and files of a {@link Replica}: attached offline, uploaded after the entity they belong
 * to has synced, fetched on other devices when shown. A thin view over the replica's handle: as
 * thread-safe as the replica, closed with it; the transport stays the caller's.
 */
public final class Blobs {
  private final Replica replica;

  Blobs(Replica replica) { this.replica = replica; }

  /**
   * Copies the file into the blob store, attaches it to {@code entityId} and queues it for
   * upload; returns {@code {"blob_id","sha256","size","mime"}}. mime and caption may be null.
   */
  public String attach(String entityId, String filePath, String mimeOrNull, String captionOrNull)
      throws WerkexException {
    return replica.handle.call(h
        -> Native.text(Native.blobAttach(h, Native.utf8(entityId), Native.utf8(filePath),
            Native.utf8(mimeOrNull), Native.utf8(captionOrNull))));
  }

  /** One blob: {@code {"sha256","size","mime","state","failure","path"}}. */
  public String info(String sha256) throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.blobInfo(h, Native.utf8(sha256))));
  }

  /** {@code {"policy","pending_upload":[...],"failed":[...],"remote_only":[...]}}. */
  public String status() throws WerkexException {
    return replica.handle.call(h -> Native.text(Native.blobStatus(h)));
  }

  /** "always" (the default) or "wifi_only". */
  public void setPolicy(String policy) throws WerkexException {
    replica.handle.call(h -> {
      Native.blobSetPolicy(h, Native.utf8(policy));
      return null;
    });
  }

  /**
   * Uploads what is queued as far as {@code network} ("none", "cellular", "wifi") and the policy
   * allow; run it after a sync. Returns the upload report (JSON); a stopped run is no error.
   */
  public String upload(Transport transport, String network) throws WerkexException {
    return replica.handle.call(r
        -> transport.handle.call(t -> Native.text(Native.blobUpload(r, t, Native.utf8(network)))));
  }

  /** The local path of the blob's file, downloading it first if it is not here. */
  public String fetch(Transport transport, String sha256) throws WerkexException {
    return replica.handle.call(
        r -> transport.handle.call(t -> Native.text(Native.blobFetch(r, t, Native.utf8(sha256)))));
  }

  /** Queues every failed upload again; how many. */
  public long retryFailed() throws WerkexException {
    return replica.handle.call(Native::blobRetryFailed);
  }
}
